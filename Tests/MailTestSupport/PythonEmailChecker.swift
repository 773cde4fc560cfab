import Foundation
import TestProcesses

/// Feeds rendered messages to Python's `email` package (policy=default), an
/// independent, strict RFC 5322/MIME parser, and collects every defect and every
/// value that does not come back as it went in.
public enum PythonEmailChecker {
    public struct Expectation: Codable {
        public var name: String
        public var path: String
        public var subject: String
        public var fromName: String
        public var fromAddress: String
        public var to: [[String]]
        public var replyTo: [String]?
        public var extraHeaders: [[String]]
        public var text: String
        public var html: String?

        public init(name: String, path: String = "", subject: String, fromName: String, fromAddress: String, to: [[String]],
                    replyTo: [String]? = nil, extraHeaders: [[String]] = [], text: String, html: String? = nil) {
            self.name = name
            self.path = path
            self.subject = subject
            self.fromName = fromName
            self.fromAddress = fromAddress
            self.to = to
            self.replyTo = replyTo
            self.extraHeaders = extraHeaders
            self.text = text
            self.html = html
        }
    }

    /// Returns a list of problems; empty means every message parsed cleanly and round-tripped.
    public static func problems(in cases: [(expectation: Expectation, bytes: [UInt8])]) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-mime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var expectations = [Expectation]()
        for (index, item) in cases.enumerated() {
            let file = directory.appendingPathComponent("\(index).eml")
            try Data(item.bytes).write(to: file)
            var expectation = item.expectation
            expectation.path = file.path
            expectations.append(expectation)
        }
        let casesFile = directory.appendingPathComponent("cases.json")
        try JSONEncoder().encode(expectations).write(to: casesFile)
        let scriptFile = directory.appendingPathComponent("check.py")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)

        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptFile.path, casesFile.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return ["python3 exited with status \(process.terminationStatus)"]
        }
        return try JSONDecoder().decode([String].self, from: data)
    }

    static let script = #"""
    import json, re, sys, email
    from email import policy

    def norm(s):
        return s.replace('\r\n', '\n')

    def phrase(s):
        # Python's email collapses whitespace runs in a display name (a phrase is a
        # list of words to it) and keeps folding whitespace between encoded words.
        return re.sub(r'\s+', ' ', s)

    problems = []
    for c in json.load(open(sys.argv[1], encoding='utf-8')):
        name = c['name']
        def problem(text):
            problems.append(f"{name}: {text}")
        raw = open(c['path'], 'rb').read()
        if b'\n' in raw.replace(b'\r\n', b''):
            problem('bare LF in output')
        if b'\r' in raw.replace(b'\r\n', b''):
            problem('bare CR in output')
        for line in raw.split(b'\r\n'):
            if len(line) > 998:
                problem(f'line of {len(line)} octets')
        header_block = raw.split(b'\r\n\r\n', 1)[0]
        # RFC 5322 2.1.1: 78 is a SHOULD; checked for the headers Herald composes.
        # Extra headers may carry one long word (a URL) that cannot be folded.
        field = b''
        for line in header_block.split(b'\r\n'):
            if line[:1] not in (b' ', b'\t'):
                field = line.split(b':', 1)[0].lower()
            if len(line) > 78 and not field.startswith(b'x-') and not field.startswith(b'list-'):
                problem(f'header line of {len(line)} octets: {line[:40]!r}')
        msg = email.message_from_bytes(raw, policy=policy.default)
        for part in msg.walk():
            for d in part.defects:
                problem(f'defect {d!r} in {part.get_content_type()}')
            for key, value in part.items():
                for d in getattr(value, 'defects', ()):
                    problem(f'defect {d!r} in header {key}')
        if str(msg['subject']) != c['subject']:
            problem(f"subject {str(msg['subject'])!r} != {c['subject']!r}")
        sender = msg['from'].addresses
        if len(sender) != 1 or phrase(sender[0].display_name) != phrase(c['fromName']) or sender[0].addr_spec != c['fromAddress']:
            problem(f'from {sender!r} != {c["fromName"]!r} <{c["fromAddress"]}>')
        got_to = [[phrase(a.display_name), a.addr_spec] for a in msg['to'].addresses]
        if got_to != [[phrase(n), a] for n, a in c['to']]:
            problem(f'to {got_to!r} != {c["to"]!r}')
        if c.get('replyTo') is not None:
            got = [[phrase(a.display_name), a.addr_spec] for a in msg['reply-to'].addresses]
            if got != [[phrase(c['replyTo'][0]), c['replyTo'][1]]]:
                problem(f"reply-to {got!r} != {c['replyTo']!r}")
        elif 'reply-to' in msg:
            problem('unexpected Reply-To')
        for name, value in c['extraHeaders']:
            if str(msg[name]) != value:
                problem(f'{name} {str(msg[name])!r} != {value!r}')
        if c.get('html') is None:
            if msg.get_content_type() != 'text/plain':
                problem(f'content type {msg.get_content_type()}')
            text = norm(msg.get_content())
            # The renderer ends a single-part message with CRLF, which belongs to the body.
            if text != c['text'] and text != c['text'] + '\n':
                problem(f'text {text[:80]!r} != {c["text"][:80]!r}')
        else:
            if msg.get_content_type() != 'multipart/alternative':
                problem(f'content type {msg.get_content_type()}')
            parts = list(msg.iter_parts())
            if [p.get_content_type() for p in parts] != ['text/plain', 'text/html']:
                problem(f'parts {[p.get_content_type() for p in parts]}')
            else:
                text, html = norm(parts[0].get_content()), norm(parts[1].get_content())
                if text != c['text']:
                    problem(f'text {text[:80]!r} != {c["text"][:80]!r}')
                if html != c['html']:
                    problem(f'html {html[:80]!r} != {c["html"][:80]!r}')
    print(json.dumps(problems))
    """#
}

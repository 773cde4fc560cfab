import Foundation
import TestProcesses

/// Verifies DKIM signatures with dkimpy (PyPI `dkimpy`), the reference Python implementation, against key records
/// given by the test instead of DNS (dkimpy's `dnsfunc`), so a signature is checked by code we did not write.
public enum DKIMReferee {
    /// `records`: TXT text by DNS name (`sel._domainkey.example.com`). Returns one answer per message: nil when it
    /// verified, else dkimpy's reason.
    public static func failures(of messages: [[UInt8]], records: [String: String]) throws -> [String?] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-dkim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (index, message) in messages.enumerated() {
            let file = directory.appendingPathComponent("\(index).eml")
            try Data(message).write(to: file)
            paths.append(file.path)
        }
        let input = directory.appendingPathComponent("input.json")
        try JSONSerialization.data(withJSONObject: ["messages": paths, "records": records]).write(to: input)
        let scriptFile = directory.appendingPathComponent("verify.py")
        try script.write(to: scriptFile, atomically: true, encoding: .utf8)

        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptFile.path, input.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return messages.map { _ in "python3 exited with status \(process.terminationStatus): \(errorText.suffix(2000))" }
        }
        return try JSONDecoder().decode([String?].self, from: data)
    }

    static let script = #"""
    import json, sys, logging, io
    import dkim

    config = json.load(open(sys.argv[1]))
    records = {k.lower().rstrip('.'): v for k, v in config['records'].items()}

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        value = records.get(name.lower().rstrip('.'))
        return value.encode() if value is not None else None

    answers = []
    for path in config['messages']:
        data = open(path, 'rb').read()
        log = io.StringIO()
        logger = logging.getLogger('dkim-%d' % len(answers))
        logger.addHandler(logging.StreamHandler(log))
        logger.setLevel(logging.DEBUG)
        try:
            d = dkim.DKIM(data, logger=logger)
            signatures = [v for (k, v) in d.headers if k.lower() == b'dkim-signature']
            if not signatures:
                answers.append('no DKIM-Signature field')
                continue
            ok = all(d.verify(idx=i, dnsfunc=dnsfunc) for i in range(len(signatures)))
            answers.append(None if ok else 'dkimpy: signature did not verify: ' + log.getvalue()[-500:])
        except Exception as e:
            answers.append('dkimpy: %s: %s' % (type(e).__name__, e))
    print(json.dumps(answers))
    """#
}

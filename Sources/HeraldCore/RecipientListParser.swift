import Foundation
import MIME

/// Reads invitees from text pasted into the invite form or from an uploaded CSV
/// file with a single column of addresses.
public struct RecipientListParser: Sendable {
    /// Upload limit in bytes. 10 MB holds about 300,000 typical addresses.
    public var maxBytes: Int

    public init(maxBytes: Int = 10 * 1024 * 1024) {
        self.maxBytes = maxBytes
    }

    /// Pasted text: addresses separated by newlines, commas, semicolons or
    /// whitespace. `Name <address>` entries (as copied from a mail client) give
    /// the address between the angle brackets.
    public func parse(text: String) -> RecipientList {
        var collector = RecipientCollector()
        guard text.utf8.count <= maxBytes else {
            return RecipientList(errors: [RecipientListError(line: nil, reason: .tooLarge(limit: maxBytes))])
        }
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            for segment in line.split(whereSeparator: { $0 == "," || $0 == ";" }) {
                if let open = segment.lastIndex(of: "<"), let close = segment.lastIndex(of: ">"), open < close {
                    collector.add(String(segment[segment.index(after: open)..<close]), line: lineNumber)
                } else {
                    for token in segment.split(whereSeparator: \.isWhitespace) {
                        collector.add(String(token), line: lineNumber)
                    }
                }
            }
        }
        return collector.finish()
    }

    /// A CSV file, streamed: UTF-8 with or without BOM, CRLF or LF, quoted fields,
    /// an optional `email` header row.
    public func parseCSV(stream: InputStream) -> RecipientList {
        var collector = RecipientCollector()
        var scanner = CSVRecordScanner()
        let chunkSize = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var total = 0
        var atStart = true
        stream.open()
        defer { stream.close() }
        while true {
            let count = buffer.withUnsafeMutableBufferPointer { stream.read($0.baseAddress!, maxLength: chunkSize) }
            if count < 0 {
                collector.errors.append(RecipientListError(line: nil, reason: .unreadable))
                return collector.finish()
            }
            if count == 0 { break }
            total += count
            if total > maxBytes {
                collector.errors.append(RecipientListError(line: nil, reason: .tooLarge(limit: maxBytes)))
                return collector.finish()
            }
            var start = 0
            if atStart {
                atStart = false
                // Excel and Notepad write "UTF-16" as little-endian with a BOM.
                if count >= 2 && (buffer[0] == 0xFF && buffer[1] == 0xFE || buffer[0] == 0xFE && buffer[1] == 0xFF) {
                    collector.errors.append(RecipientListError(line: nil, reason: .utf16))
                    return collector.finish()
                }
                if count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { start = 3 }
            }
            buffer.withUnsafeBufferPointer { all in
                let chunk = UnsafeBufferPointer(rebasing: all[start..<count])
                scanner.feed(chunk) { collector.add($0) }
            }
        }
        if let line = scanner.finish(emit: { collector.add($0) }) {
            collector.errors.append(RecipientListError(line: line, reason: .unterminatedQuote))
        }
        return collector.finish()
    }

    public func parseCSV(data: Data) -> RecipientList {
        parseCSV(stream: InputStream(data: data))
    }

    public func parseCSV(fileAtPath path: String) -> RecipientList {
        guard let stream = InputStream(fileAtPath: path) else {
            return RecipientList(errors: [RecipientListError(line: nil, reason: .unreadable)])
        }
        return parseCSV(stream: stream)
    }
}

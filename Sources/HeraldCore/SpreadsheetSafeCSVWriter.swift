import Foundation

/// Writes CSV exports (invitations, installations) per RFC 4180 and safe to open
/// in a spreadsheet.
///
/// A cell that starts with `=`, `+`, `-`, `@`, tab, CR or LF can be run as a
/// formula by Excel or LibreOffice (CSV injection, OWASP): an invitee who types
/// `=HYPERLINK(...)` as their name must not get code into the admin's
/// spreadsheet. Such cells get a leading `'`, which spreadsheets show as text.
public struct SpreadsheetSafeCSVWriter {
    private enum Destination {
        case memory
        case fileHandle(FileHandle)
        case stream(OutputStream)
    }

    public enum WriteError: Error, Sendable {
        case streamFailed(String)
    }

    private let destination: Destination
    private var buffer: [UInt8] = []
    private var memory: [UInt8] = []
    private static let flushThreshold = 64 * 1024

    /// Collects the CSV in memory; read it with `string`.
    public init(byteOrderMark: Bool = false) {
        self.init(destination: .memory, byteOrderMark: byteOrderMark)
    }

    /// Streams to a file handle (flushes every 64 KB and on `flush()`).
    public init(fileHandle: FileHandle, byteOrderMark: Bool = false) {
        self.init(destination: .fileHandle(fileHandle), byteOrderMark: byteOrderMark)
    }

    /// Streams to an open output stream (flushes every 64 KB and on `flush()`).
    public init(stream: OutputStream, byteOrderMark: Bool = false) {
        self.init(destination: .stream(stream), byteOrderMark: byteOrderMark)
    }

    /// `byteOrderMark`: Excel opens a CSV as UTF-8 only when it starts with a BOM;
    /// without one, names in Japanese or German show as mojibake.
    private init(destination: Destination, byteOrderMark: Bool) {
        self.destination = destination
        if byteOrderMark { buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
    }

    public mutating func write(row fields: [String]) throws(WriteError) {
        buffer.append(contentsOf: Self.line(fields).utf8)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    public mutating func flush() throws(WriteError) {
        defer { buffer.removeAll(keepingCapacity: true) }
        switch destination {
        case .memory:
            memory.append(contentsOf: buffer)
        case .fileHandle(let handle):
            do { try handle.write(contentsOf: buffer) } catch { throw .streamFailed(String(describing: error)) }
        case .stream(let stream):
            var offset = 0
            while offset < buffer.count {
                let written = buffer[offset...].withUnsafeBufferPointer {
                    stream.write($0.baseAddress!, maxLength: $0.count)
                }
                guard written > 0 else {
                    throw .streamFailed(stream.streamError.map(String.init(describing:)) ?? "the stream is closed or full")
                }
                offset += written
            }
        }
    }

    /// Everything written so far (memory destination).
    public var string: String {
        String(decoding: memory + buffer, as: UTF8.self)
    }

    /// One record with its CRLF terminator (RFC 4180 2.1).
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    /// Neutralises a formula, then quotes the field if it holds `,` `"` CR or LF,
    /// doubling inner quotes (RFC 4180 2.6, 2.7).
    public static func field(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, formulaTriggers.contains(first) {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// OWASP's list, plus the full-width forms that Japanese and Chinese
    /// spreadsheet versions also accept as formula starters.
    static let formulaTriggers: Set<Unicode.Scalar> = [
        "=", "+", "-", "@", "\t", "\r", "\n", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}",
    ]
}

import Foundation

/// An incremental RFC 4180 reader over raw bytes that knows the physical line
/// each record starts on.
///
/// Hand-rolled rather than yaslab CSV.swift's `CSVReader`: that reader reports
/// records, not the line they start on (a quoted field may span lines), stops
/// at the first invalid UTF-8 instead of letting us report it and go on, and
/// cannot enforce a byte limit while streaming. Speed is not the reason.
///
/// Lenient where RFC 4180 is strict but the intent is clear: CR, LF and CRLF all
/// end a record; a stray `"` inside an unquoted field is kept as a character.
struct CSVRecordScanner {
    struct Record {
        var line: Int
        var fields: [[UInt8]]
        /// A field hit `maxFieldBytes` and was cut: no address is that long.
        var overlong: Bool
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// Longer than any address (254 octets) with room for spaces and quotes;
    /// beyond it bytes are dropped, so one huge field cannot use much memory.
    let maxFieldBytes: Int
    /// Lines so far; the current record started on `recordLine`.
    private(set) var line = 1
    private var recordLine = 1
    private var state = State.fieldStart
    private var field = [UInt8]()
    private var fields = [[UInt8]]()
    private var overlong = false
    private var previousWasCR = false

    init(maxFieldBytes: Int = 1024) {
        self.maxFieldBytes = maxFieldBytes
        field.reserveCapacity(64)
    }

    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, emit: (Record) -> Void) {
        for byte in bytes {
            // The LF of a CRLF was already counted with its CR; inside quotes it is
            // still part of the value.
            if byte == 10 && previousWasCR {
                previousWasCR = false
                if state == .quoted { append(byte) }
                continue
            }
            previousWasCR = byte == 13
            let isBreak = byte == 13 || byte == 10
            switch state {
            case .fieldStart, .unquoted, .quoteInQuoted:
                if byte == UInt8(ascii: "\"") {
                    if state == .fieldStart { state = .quoted; continue }
                    if state == .quoteInQuoted { append(byte); state = .quoted; continue }
                }
                if byte == UInt8(ascii: ",") {
                    endField()
                } else if isBreak {
                    endRecord(emit: emit)
                    line += 1
                    recordLine = line
                } else {
                    append(byte)
                    state = .unquoted
                }
            case .quoted:
                if byte == UInt8(ascii: "\"") {
                    state = .quoteInQuoted
                } else {
                    if isBreak { line += 1 }
                    append(byte)
                }
            }
        }
    }

    /// Ends the input. Returns the line of a quoted field that was never closed.
    mutating func finish(emit: (Record) -> Void) -> Int? {
        if state == .quoted { return recordLine }
        if state != .fieldStart || !fields.isEmpty || !field.isEmpty {
            endRecord(emit: emit)
        }
        return nil
    }

    private mutating func append(_ byte: UInt8) {
        if field.count < maxFieldBytes { field.append(byte) } else { overlong = true }
    }

    private mutating func endField() {
        fields.append(field)
        field.removeAll(keepingCapacity: true)
        state = .fieldStart
    }

    private mutating func endRecord(emit: (Record) -> Void) {
        endField()
        emit(Record(line: recordLine, fields: fields, overlong: overlong))
        fields.removeAll(keepingCapacity: true)
        overlong = false
    }
}

extension CSVRecordScanner {
    /// Every record of a whole uploaded file, and what stops it being read: larger than `maxBytes`, UTF-16, or a
    /// quoted value never closed (with its line). A UTF-8 byte-order mark is skipped.
    static func records(of data: Data, maxBytes: Int) -> (records: [Record], errors: [DirectoryUserCSV.LineError]) {
        guard data.count <= maxBytes else {
            return ([], [.init(line: nil, message: "the file is larger than the limit of \(maxBytes) bytes")])
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return ([], [.init(line: nil, message: "the file is UTF-16; save it as CSV UTF-8")])
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var scanner = CSVRecordScanner()
        var records: [Record] = []
        var errors: [DirectoryUserCSV.LineError] = []
        bytes.withUnsafeBufferPointer { scanner.feed($0) { records.append($0) } }
        if let line = scanner.finish(emit: { records.append($0) }) {
            errors.append(.init(line: line, message: "a quoted value starts here but its closing quote is missing"))
        }
        return (records, errors)
    }
}

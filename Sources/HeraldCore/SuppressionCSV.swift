import Foundation
import MIME

/// The suppression list as CSV: `address,reason,remote_reason,added_by,created_at` on export; on import the
/// address and, optionally, a note in the third column (so an exported file imports as it is). Every cell is
/// checked as Unicode scalars (one line, no control characters or direction overrides), and a file with any
/// problem imports nothing, each problem reported with its line.
public struct SuppressionCSV: Sendable {
    public struct Row: Sendable, Hashable {
        public let line: Int
        public let address: EmailAddress
        public let note: String?
    }

    public static let header = ["address", "reason", "remote_reason", "added_by", "created_at"]
    /// 5 MB is about 100,000 addresses with notes.
    public static let maxBytes = 5 * 1024 * 1024
    public static let maxNoteLength = 500

    public var rows: [Row] = []
    public var errors: [DirectoryUserCSV.LineError] = []

    public static func parse(_ data: Data) -> SuppressionCSV {
        var result = SuppressionCSV()
        let (records, unreadable) = CSVRecordScanner.records(of: data, maxBytes: maxBytes)
        result.errors = unreadable
        guard records.isEmpty == false || unreadable.isEmpty else { return result }
        var seen: Set<String> = []
        for (index, record) in records.enumerated() {
            let fields = record.fields.map { String(decoding: $0, as: UTF8.self) }
            guard fields.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { continue }
            guard zip(fields, record.fields).allSatisfy({ $0.utf8.elementsEqual($1) }) else {
                result.errors.append(.init(line: record.line, message: "is not valid UTF-8; save the file as CSV UTF-8"))
                continue
            }
            if index == 0, fields[0].trimmingCharacters(in: .whitespaces).lowercased() == "address" { continue }
            switch row(fields, line: record.line, overlong: record.overlong) {
            case .failure(let error): result.errors.append(error)
            case .success(let row):
                // The same address twice is one entry, not a mistake worth refusing the file for.
                if seen.insert(row.address.normalized).inserted { result.rows.append(row) }
            }
        }
        if result.rows.isEmpty && result.errors.isEmpty {
            result.errors.append(.init(line: nil, message: "the file has no addresses (expected rows of address[,reason,note])"))
        }
        return result
    }

    private static func row(_ fields: [String], line: Int, overlong: Bool) -> Result<Row, DirectoryUserCSV.LineError> {
        func fail(_ message: String) -> Result<Row, DirectoryUserCSV.LineError> { .failure(.init(line: line, message: message)) }
        guard !overlong else { return fail("a value is too long") }
        guard fields.count <= header.count else { return fail("has \(fields.count) columns; expected at most \(header.count)") }
        for (column, cell) in zip(header, fields) {
            if let problem = SafeText.problem(cell, .oneLine) { return fail("\(column) \(problem)") }
        }
        let typed = unprotected(fields[0].trimmingCharacters(in: .whitespaces))
        let address: EmailAddress
        do { address = try EmailAddress(typed) } catch { return fail("address: '\(typed)' is not an email address: \(error)") }
        let note = fields.count > 2 ? unprotected(fields[2].trimmingCharacters(in: .whitespaces)) : ""
        guard note.count <= maxNoteLength else { return fail("remote_reason is longer than \(maxNoteLength) characters") }
        return .success(Row(line: line, address: address, note: note.isEmpty ? nil : note))
    }

    /// Undoes `SpreadsheetSafeCSVWriter`'s protection: a `'` it put before a formula starter goes again.
    static func unprotected(_ cell: String) -> String {
        let scalars = cell.unicodeScalars
        guard scalars.first == "'", let second = scalars.dropFirst().first,
              SpreadsheetSafeCSVWriter.formulaTriggers.contains(second) else { return cell }
        return String(cell.unicodeScalars.dropFirst())
    }
}

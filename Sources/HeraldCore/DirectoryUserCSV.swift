import Foundation
import MIME

/// Reads directory users from a CSV file: `name,email[,groups[,enabled]]`, one person a row.
///
/// `groups` holds group names separated by `;` (a comma would split the cell in spreadsheets that do not
/// quote). An optional header row is recognised by its email column. Every problem is reported with its
/// line, and a file with problems imports nothing, so the administrator fixes the file and imports it again.
public struct DirectoryUserCSV: Sendable {
    public struct Row: Sendable, Hashable {
        public let line: Int
        public let name: String
        public let email: EmailAddress
        public let groups: [String]
        public let enabled: Bool
    }

    public struct LineError: Error, Sendable, Hashable, CustomStringConvertible {
        public let line: Int?
        public let message: String
        /// "line 4: 'bob@' is not an email address: ..."
        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    public var rows: [Row] = []
    public var errors: [LineError] = []

    /// 5 MB is tens of thousands of people: larger directories are synchronised, not uploaded.
    public static let maxBytes = 5 * 1024 * 1024
    public static let maxNameLength = 200

    public static func parse(_ data: Data) -> DirectoryUserCSV {
        var result = DirectoryUserCSV()
        let (records, unreadable) = CSVRecordScanner.records(of: data, maxBytes: maxBytes)
        result.errors = unreadable
        guard records.isEmpty == false || unreadable.isEmpty else { return result }
        var firstLines: [String: Int] = [:]
        var sawRecord = false
        for record in records {
            var fields = record.fields.map { String(decoding: $0, as: UTF8.self) }
            while let last = fields.last, last.trimmingCharacters(in: .whitespaces).isEmpty { fields.removeLast() }
            guard !fields.isEmpty else { continue }
            let isFirst = !sawRecord
            sawRecord = true
            guard zip(fields, record.fields).allSatisfy({ $0.utf8.elementsEqual($1) }) else {
                result.errors.append(.init(line: record.line, message: "is not valid UTF-8; save the file as CSV UTF-8"))
                continue
            }
            if isFirst, fields.count >= 2, ["email", "e-mail", "email address"].contains(fields[1].trimmingCharacters(in: .whitespaces).lowercased()) {
                continue
            }
            switch row(fields, line: record.line, overlong: record.overlong) {
            case .failure(let error): result.errors.append(error)
            case .success(let row):
                if let first = firstLines[row.email.normalized] {
                    result.errors.append(.init(line: row.line, message: "'\(row.email)' is a duplicate of line \(first)"))
                } else {
                    firstLines[row.email.normalized] = row.line
                    result.rows.append(row)
                }
            }
        }
        if result.rows.isEmpty && result.errors.isEmpty {
            result.errors.append(.init(line: nil, message: "the file has no users (expected rows of name,email[,groups[,enabled]])"))
        }
        return result
    }

    private static func row(_ fields: [String], line: Int, overlong: Bool) -> Result<Row, LineError> {
        func fail(_ message: String) -> Result<Row, LineError> { .failure(.init(line: line, message: message)) }
        guard !overlong else { return fail("a value is too long") }
        guard fields.count >= 2 else { return fail("has \(fields.count) column; expected name,email[,groups[,enabled]]") }
        guard fields.count <= 4 else { return fail("has \(fields.count) columns; expected name,email[,groups[,enabled]]") }
        let name = fields[0].trimmingCharacters(in: .whitespaces)
        if let problem = DirectoryNames.problem(name, what: "name", maxLength: maxNameLength) { return fail(problem) }
        let email: EmailAddress
        do { email = try EmailAddress(fields[1]) } catch { return fail("'\(fields[1].trimmingCharacters(in: .whitespaces))' is not an email address: \(error)") }
        var groups: [String] = []
        for group in (fields.count > 2 ? fields[2] : "").split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where !group.isEmpty {
            if let problem = DirectoryNames.problem(group, what: "group name", maxLength: DirectoryNames.maxGroupLength) { return fail(problem) }
            if !groups.contains(group) { groups.append(group) }
        }
        var enabled = true
        if fields.count > 3 {
            switch fields[3].trimmingCharacters(in: .whitespaces).lowercased() {
            case "", "yes", "true", "1", "enabled": enabled = true
            case "no", "false", "0", "disabled": enabled = false
            default: return fail("enabled: '\(fields[3])' must be yes or no")
            }
        }
        return .success(Row(line: line, name: name, email: email, groups: groups, enabled: enabled))
    }
}

/// Names of directory users and groups: one line, printable, bounded.
public enum DirectoryNames {
    public static let maxGroupLength = 100

    /// What is wrong with `name`, or nil when it is fine.
    public static func problem(_ name: String, what: String, maxLength: Int) -> String? {
        if name.isEmpty { return "the \(what) is empty" }
        if name.count > maxLength { return "the \(what) is longer than \(maxLength) characters" }
        return SafeText.problem(name, .oneLine).map { "the \(what) \($0)" }
    }
}

import MIME

/// Validates and de-duplicates addresses as they arrive, remembering the line
/// of each first occurrence.
struct RecipientCollector {
    var recipients: [(line: Int, address: EmailAddress)] = []
    var errors: [RecipientListError] = []
    private var firstLines: [EmailAddress: Int] = [:]
    private var sawFirstRecord = false

    mutating func add(_ text: String, line: Int) {
        do {
            let address = try EmailAddress(text)
            if let firstLine = firstLines[address] {
                errors.append(RecipientListError(
                    line: line, reason: .duplicate(address: address.description, firstLine: firstLine)))
            } else {
                firstLines[address] = line
                recipients.append((line, address))
            }
        } catch {
            errors.append(RecipientListError(line: line, reason: .invalidAddress(error)))
        }
    }

    mutating func add(_ record: CSVRecordScanner.Record) {
        var fields = record.fields[...]
        // Trailing empty cells ("bob@example.com,,") are spreadsheet residue, not columns.
        while let last = fields.last, last.allSatisfy(Self.isBlank) { fields.removeLast() }
        guard !fields.isEmpty else { return }  // a blank line
        let isFirstRecord = !sawFirstRecord
        sawFirstRecord = true
        if fields.count > 1 {
            errors.append(RecipientListError(line: record.line, reason: .tooManyColumns(fields.count)))
            return
        }
        if record.overlong {
            errors.append(RecipientListError(line: record.line, reason: .valueTooLong))
            return
        }
        // Decoding replaces invalid sequences with U+FFFD, so a changed byte
        // sequence means the input was not UTF-8. (String(validating:) needs macOS 15.)
        let bytes = fields[fields.startIndex]
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.elementsEqual(bytes) else {
            errors.append(RecipientListError(line: record.line, reason: .notUTF8))
            return
        }
        if isFirstRecord && Self.isHeader(text) { return }
        add(text, line: record.line)
    }

    func finish() -> RecipientList {
        var errors = errors
        if recipients.isEmpty && errors.isEmpty {
            errors.append(RecipientListError(line: nil, reason: .empty))
        }
        return RecipientList(recipients: recipients, errors: errors)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func isHeader(_ text: String) -> Bool {
        ["email", "e-mail", "email address", "e-mail address"].contains(text.trimmingWhitespace().lowercased())
    }
}

import MIME

/// One problem in a pasted list or an uploaded CSV file. `line` is nil for
/// problems with the whole file (empty, too large).
public struct RecipientListError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        case invalidAddress(AddressError)
        case duplicate(address: String, firstLine: Int)
        case tooManyColumns(Int)
        case valueTooLong
        case notUTF8
        case utf16
        case unterminatedQuote
        case empty
        case tooLarge(limit: Int)
        case unreadable
    }

    public let line: Int?
    public let reason: Reason

    public init(line: Int?, reason: Reason) {
        self.line = line
        self.reason = reason
    }

    /// The sentence without the line number, e.g. "'bob@' has no domain".
    public var message: String {
        switch reason {
        case .invalidAddress(let error):
            return error.description
        case .duplicate(let address, let firstLine):
            return "'\(address)' is a duplicate of line \(firstLine)"
        case .tooManyColumns(let count):
            return "has \(count) columns; the file must have a single column of email addresses"
        case .valueTooLong:
            return "the value is too long to be an email address"
        case .notUTF8:
            return "is not valid UTF-8; save the file as CSV UTF-8"
        case .utf16:
            return "the file is UTF-16; save it as CSV UTF-8"
        case .unterminatedQuote:
            return "a quoted value starts here but its closing quote is missing"
        case .empty:
            return "the file has no email addresses"
        case .tooLarge(let limit):
            return "the file is larger than the limit of \(limit) bytes"
        case .unreadable:
            return "the file could not be read"
        }
    }

    /// "line 14: 'bob@' has no domain", ready for `Abort(reason: "csv: ...")`.
    public var description: String {
        line.map { "line \($0): \(message)" } ?? message
    }
}

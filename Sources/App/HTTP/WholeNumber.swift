import Vapor

/// The range of one kind of whole number a request may carry; the type is the name the range goes by.
protocol WholeNumberRange: Sendable {
    static var range: ClosedRange<Int> { get }
}

/// A whole number taken from a request (query string, form, JSON body, command-line option), already checked
/// against the range its handler accepts.
///
/// Swift's `Int` arithmetic traps on overflow and a trap ends the whole server, so a number from outside is never
/// computed with before it is known to be in range: `?page=184467440737095517` times the page size would abort
/// every request in flight. Out of range, not a number, or given twice is a 400 naming the field, at the edge;
/// no handler clamps or checks again later.
struct WholeNumber<Kind: WholeNumberRange>: Codable, Sendable, Hashable {
    let value: Int

    init(_ value: Int, field: String) throws(Abort) {
        guard Kind.range.contains(value) else { throw Self.outOfRange(field) }
        self.value = value
    }

    /// A default written in the code, never a value from outside.
    init(default value: Int) {
        precondition(Kind.range.contains(value), "a default outside its own range")
        self.value = value
    }

    /// Digits only (an optional leading minus): no spaces, signs, exponents or separators.
    /// `Int(_:)` answers nil rather than trapping on a number too long for 64 bits.
    init(parsing text: String, field: String) throws(Abort) {
        let digits = text.hasPrefix("-") ? text.utf8.dropFirst() : text.utf8[...]
        guard !digits.isEmpty, digits.count <= 20, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let number = Int(text)
        else { throw Self.outOfRange(field) }
        try self.init(number, field: field)
    }

    /// JSON numbers and form fields alike (`7` or `"7"`); the field's name comes from the coding path.
    init(from decoder: any Decoder) throws {
        let field = decoder.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            try self.init(number, field: field)
        } else if let text = try? container.decode(String.self) {
            try self.init(parsing: text, field: field)
        } else {
            throw Self.outOfRange(field)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    static func outOfRange(_ field: String) -> Abort {
        Abort(.badRequest, reason: "\(field): must be a whole number from \(Kind.range.lowerBound) to \(Kind.range.upperBound)")
    }
}

/// The numbers Herald takes from requests, each with the range that keeps every computation with it in bounds.
enum ListLimit: WholeNumberRange {
    static let range = 1...1_000
}

enum InvitationValidityDays: WholeNumberRange {
    static let range = 1...30
}

enum SeatCount: WholeNumberRange {
    static let range = 1...1_000_000
}

/// A parsed SCIM filter (RFC 7644 §3.4.2.2): `userName eq "bjensen" and (emails[type eq "work"] pr or not (active eq false))`.
public indirect enum SCIMFilter: Sendable, Equatable {
    case compare(SCIMAttributePath, SCIMCompareOperator, SCIMFilterValue)
    case present(SCIMAttributePath)
    case and(SCIMFilter, SCIMFilter)
    case or(SCIMFilter, SCIMFilter)
    case not(SCIMFilter)
    /// `emails[type eq "work" and value co "@example.com"]`: one element of the attribute matches the inner filter.
    case valuePath(SCIMAttributePath, SCIMFilter)
}

public enum SCIMCompareOperator: String, Sendable, CaseIterable {
    case eq, ne, co, sw, ew, gt, ge, lt, le
}

public enum SCIMFilterValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
}

extension SCIMFilter {
    /// Longest filter read: a real one is a few hundred characters; anything longer is refused before any work.
    public static let maxLength = 4_096
    /// Deepest nesting of parentheses, brackets and `not`: the parser recurses once per level.
    public static let maxDepth = 32

    /// Parses `text`; `schemas` are the resource's schema URNs (for `urn:…:attribute` paths).
    public static func parse(_ text: String, schemas: [String] = []) throws(SCIMFilterError) -> SCIMFilter {
        guard text.utf8.count <= maxLength else { throw SCIMFilterError("the filter is longer than \(maxLength) bytes") }
        var parser = SCIMFilterParser(tokens: try SCIMFilterLexer.tokens(text), schemas: schemas)
        let filter = try parser.expression(depth: 0)
        guard parser.atEnd else { throw SCIMFilterError("unexpected '\(parser.peekText)' after a complete filter") }
        return filter
    }
}

extension SCIMFilter {
    /// Whether the filter reads the attribute `name` (any case) anywhere.
    public func mentions(_ name: String) -> Bool {
        switch self {
        case .compare(let path, _, _), .present(let path): path.name?.lowercased() == name.lowercased()
        case .and(let left, let right), .or(let left, let right): left.mentions(name) || right.mentions(name)
        case .not(let inner): inner.mentions(name)
        case .valuePath(let path, _): path.name?.lowercased() == name.lowercased()
        }
    }
}

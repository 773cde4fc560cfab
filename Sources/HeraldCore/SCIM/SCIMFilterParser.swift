/// Recursive descent over the tokens: `or` binds loosest, then `and`, then `not` and parentheses (RFC 7644 §3.4.2.2).
struct SCIMFilterParser {
    let tokens: [SCIMFilterToken]
    let schemas: [String]
    var position = 0

    init(tokens: [SCIMFilterToken], schemas: [String]) {
        self.tokens = tokens
        self.schemas = schemas
    }

    var atEnd: Bool { position >= tokens.count }
    var peekText: String { atEnd ? "the end" : tokens[position].text }

    mutating func expression(depth: Int) throws(SCIMFilterError) -> SCIMFilter {
        guard depth <= SCIMFilter.maxDepth else { throw SCIMFilterError("the filter nests deeper than \(SCIMFilter.maxDepth) levels") }
        var left = try conjunction(depth: depth)
        while keyword("or") { left = .or(left, try conjunction(depth: depth)) }
        return left
    }

    private mutating func conjunction(depth: Int) throws(SCIMFilterError) -> SCIMFilter {
        var left = try factor(depth: depth)
        while keyword("and") { left = .and(left, try factor(depth: depth)) }
        return left
    }

    private mutating func factor(depth: Int) throws(SCIMFilterError) -> SCIMFilter {
        if keyword("not") {
            try expect(.open, "'(' after 'not'")
            let inner = try expression(depth: depth + 1)
            try expect(.close, "')' to close 'not ('")
            return .not(inner)
        }
        if take(.open) {
            let inner = try expression(depth: depth + 1)
            try expect(.close, "')'")
            return inner
        }
        guard !atEnd, case .word(let word) = tokens[position] else { throw SCIMFilterError("expected an attribute name, found \(peekText)") }
        position += 1
        let path = try SCIMAttributePath.parse(word, schemas: schemas)
        if take(.openBracket) {
            guard path.subAttribute == nil else { throw SCIMFilterError("'\(word.prefix(100))[' must name a multi-valued attribute, not a sub-attribute") }
            let inner = try expression(depth: depth + 1)
            try expect(.closeBracket, "']'")
            // `emails[type eq "work"].value eq "x"`: the sub-attribute of the elements the brackets select.
            guard !atEnd, case .word(let next) = tokens[position], next.hasPrefix("."), next.count > 1 else { return .valuePath(path, inner) }
            position += 1
            let sub = SCIMAttributePath(name: String(next.dropFirst()))
            guard SCIMAttributePath.isAttributeName(String(next.dropFirst())) else { throw SCIMFilterError("'\(next.prefix(100))' is not a sub-attribute") }
            return .valuePath(path, .and(inner, try comparison(on: sub, after: next)))
        }
        return try comparison(on: path, after: word)
    }

    /// `pr`, or an operator and its value, after the attribute named `word`.
    private mutating func comparison(on path: SCIMAttributePath, after word: String) throws(SCIMFilterError) -> SCIMFilter {
        guard !atEnd, case .word(let operatorWord) = tokens[position] else {
            throw SCIMFilterError("expected an operator after '\(word.prefix(100))', found \(peekText)")
        }
        position += 1
        if operatorWord.lowercased() == "pr" { return .present(path) }
        guard let comparison = SCIMCompareOperator(rawValue: operatorWord.lowercased()) else {
            throw SCIMFilterError("'\(operatorWord.prefix(50))' is not an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)")
        }
        return .compare(path, comparison, try value())
    }

    private mutating func value() throws(SCIMFilterError) -> SCIMFilterValue {
        guard !atEnd else { throw SCIMFilterError("expected a value, found the end") }
        let token = tokens[position]
        position += 1
        switch token {
        case .string(let string): return .string(string)
        case .word(let word):
            switch word.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                guard word.count <= 40, let number = Double(word), number.isFinite, word.first != "+" else {
                    throw SCIMFilterError("'\(word.prefix(50))' is not a value (a quoted string, a number, true, false or null)")
                }
                return .number(number)
            }
        default: throw SCIMFilterError("expected a value, found \(token.text)")
        }
    }

    private mutating func keyword(_ name: String) -> Bool {
        guard !atEnd, case .word(let word) = tokens[position], word.lowercased() == name else { return false }
        position += 1
        return true
    }

    private mutating func take(_ token: SCIMFilterToken) -> Bool {
        guard !atEnd, tokens[position] == token else { return false }
        position += 1
        return true
    }

    private mutating func expect(_ token: SCIMFilterToken, _ what: String) throws(SCIMFilterError) {
        guard take(token) else { throw SCIMFilterError("expected \(what), found \(peekText)") }
    }
}

/// Why a filter string is not a valid RFC 4515 filter; `position` is the byte offset where parsing stopped.
public struct LDAPFilterSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var reason: String
    public var position: Int
    public var description: String { "\(reason) at character \(position + 1)" }
}

extension LDAPFilter {
    /// Parses an RFC 4515 string such as `(&(objectClass=user)(!(cn=a\2ab*)))`.
    public init(parsing text: String) throws(LDAPFilterSyntaxError) {
        var parser = LDAPFilterParser(bytes: Array(text.utf8))
        let filter = try parser.parseFilter(depth: 0)
        guard parser.position == parser.bytes.count else { throw parser.error("text after the closing parenthesis") }
        self = filter
    }
}

/// RFC 4515 section 3, over the UTF-8 bytes: `filter = "(" filtercomp ")"`.
struct LDAPFilterParser {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ reason: String) -> LDAPFilterSyntaxError { LDAPFilterSyntaxError(reason: reason, position: position) }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func expect(_ character: Character) throws(LDAPFilterSyntaxError) {
        guard current == character.asciiValue else { throw error("expected '\(character)'") }
        position += 1
    }

    mutating func parseFilter(depth: Int) throws(LDAPFilterSyntaxError) -> LDAPFilter {
        guard depth < LDAPFilter.maximumDepth else { throw error("filter nested more than \(LDAPFilter.maximumDepth) levels") }
        try expect("(")
        let filter: LDAPFilter
        switch current {
        case UInt8(ascii: "&"):
            position += 1
            filter = .and(try parseList(depth: depth))
        case UInt8(ascii: "|"):
            position += 1
            filter = .or(try parseList(depth: depth))
        case UInt8(ascii: "!"):
            position += 1
            filter = .not(try parseFilter(depth: depth + 1))
        default:
            filter = try parseItem()
        }
        try expect(")")
        return filter
    }

    /// `filterlist = 1*filter`
    private mutating func parseList(depth: Int) throws(LDAPFilterSyntaxError) -> [LDAPFilter] {
        var filters: [LDAPFilter] = []
        while current == UInt8(ascii: "(") { filters.append(try parseFilter(depth: depth + 1)) }
        guard !filters.isEmpty else { throw error("'&' and '|' need at least one filter") }
        return filters
    }

    /// simple / present / substring / extensible
    private mutating func parseItem() throws(LDAPFilterSyntaxError) -> LDAPFilter {
        let attribute = parseAttributeDescription()
        switch current {
        case UInt8(ascii: ":"):
            return try parseExtensible(attribute: attribute.isEmpty ? nil : attribute)
        case UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "<"):
            let operatorByte = bytes[position]
            position += 1
            try expect("=")
            let attribute = try nonEmpty(attribute)
            let value = try parseValue(allowingWildcards: false)[0]
            switch operatorByte {
            case UInt8(ascii: "~"): return .approxMatch(attribute: attribute, value: value)
            case UInt8(ascii: ">"): return .greaterOrEqual(attribute: attribute, value: value)
            default: return .lessOrEqual(attribute: attribute, value: value)
            }
        case UInt8(ascii: "="):
            position += 1
            let attribute = try nonEmpty(attribute)
            let parts = try parseValue(allowingWildcards: true)
            if parts.count == 1 { return .equalityMatch(attribute: attribute, value: parts[0]) }
            if parts.count == 2, parts[0].isEmpty, parts[1].isEmpty { return .present(attribute: attribute) }
            let middle = parts.dropFirst().dropLast().filter { !$0.isEmpty }
            // RFC 4511 4.5.1.7.2: at least one substring ("(cn=**)" has none).
            guard !parts.first!.isEmpty || !middle.isEmpty || !parts.last!.isEmpty else { throw error("a substring filter needs some text") }
            return .substrings(attribute: attribute, initial: parts.first!.isEmpty ? nil : parts.first,
                               any: Array(middle), final: parts.last!.isEmpty ? nil : parts.last)
        default:
            throw error(attribute.isEmpty ? "expected an attribute name" : "expected '=', '~=', '>=', '<=' or ':'")
        }
    }

    /// `attr [":dn"] [":" matchingrule] ":=" assertionvalue`, or without attr when a matching rule is given.
    private mutating func parseExtensible(attribute: String?) throws(LDAPFilterSyntaxError) -> LDAPFilter {
        var dnAttributes = false
        var rule: String?
        while current == UInt8(ascii: ":") {
            position += 1
            if current == UInt8(ascii: "=") {
                position += 1
                guard attribute != nil || rule != nil else { throw error("an extensible match needs an attribute or a matching rule") }
                let value = try parseValue(allowingWildcards: false)[0]
                return .extensibleMatch(matchingRule: rule, attribute: attribute, value: value, dnAttributes: dnAttributes)
            }
            let word = parseAttributeDescription()
            if word.lowercased() == "dn", !dnAttributes, rule == nil {
                dnAttributes = true
            } else if !word.isEmpty, rule == nil {
                rule = word
            } else {
                throw error("expected ':dn', a matching rule or ':='")
            }
        }
        throw error("expected ':='")
    }

    /// An AttributeDescription: letters, digits, '-', '.' and ';' (options), as RFC 4512 allows.
    private mutating func parseAttributeDescription() -> String {
        let start = position
        while let byte = current, byte.isAttributeCharacter { position += 1 }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private func nonEmpty(_ attribute: String) throws(LDAPFilterSyntaxError) -> String {
        guard !attribute.isEmpty else { throw error("expected an attribute name") }
        return attribute
    }

    /// The assertion value up to ')', unescaped (`\` and two hex digits); split at unescaped '*' when allowed.
    private mutating func parseValue(allowingWildcards: Bool) throws(LDAPFilterSyntaxError) -> [[UInt8]] {
        var parts: [[UInt8]] = [[]]
        while let byte = current, byte != UInt8(ascii: ")") {
            switch byte {
            case UInt8(ascii: "*"):
                guard allowingWildcards else { throw error("'*' must be written \\2a here") }
                parts.append([])
                position += 1
            case UInt8(ascii: "\\"):
                guard position + 2 < bytes.count, let high = bytes[position + 1].hexValue,
                      let low = bytes[position + 2].hexValue
                else { throw error("'\\' must be followed by two hexadecimal digits") }
                parts[parts.count - 1].append(high << 4 | low)
                position += 3
            case 0, UInt8(ascii: "("):
                throw error("'(' and NUL must be escaped (\\28, \\00)")
            default:
                parts[parts.count - 1].append(byte)
                position += 1
            }
        }
        return parts
    }
}

extension UInt8 {
    fileprivate var isAttributeCharacter: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ";"):
            true
        default:
            false
        }
    }

    fileprivate var hexValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

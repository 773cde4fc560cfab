/// An attribute named in a filter or a PATCH path: `userName`, `name.givenName`, `emails.value`, or an extension's
/// `urn:…:enterprise:2.0:User:department`; `name` is nil when the path is an extension schema itself.
public struct SCIMAttributePath: Sendable, Equatable, CustomStringConvertible {
    public var schema: String?
    public var name: String?
    public var subAttribute: String?

    public init(schema: String? = nil, name: String?, subAttribute: String? = nil) {
        self.schema = schema
        self.name = name
        self.subAttribute = subAttribute
    }

    /// Reads `text` knowing the schema URNs of the resource (an unknown `urn:` prefix is refused: a URN's own
    /// dots and colons, as in `2.0`, cannot be told from attribute separators without them).
    public static func parse(_ text: String, schemas: [String]) throws(SCIMFilterError) -> SCIMAttributePath {
        if text.lowercased().hasPrefix("urn:") {
            let lowered = text.lowercased()
            guard let schema = schemas.sorted(by: { $0.count > $1.count }).first(where: { lowered.hasPrefix($0.lowercased()) }) else {
                throw SCIMFilterError("'\(text.prefix(100))' names an unknown schema")
            }
            let rest = text.dropFirst(schema.count)
            if rest.isEmpty { return SCIMAttributePath(schema: schema, name: nil) }
            guard rest.first == ":" else { throw SCIMFilterError("'\(text.prefix(100))' names an unknown schema") }
            var path = try parse(String(rest.dropFirst()), schemas: [])
            path.schema = schema
            return path
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), parts.allSatisfy(isAttributeName) else {
            throw SCIMFilterError("'\(text.prefix(100))' is not an attribute name")
        }
        return SCIMAttributePath(name: parts[0], subAttribute: parts.count == 2 ? parts[1] : nil)
    }

    /// ATTRNAME = ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA; `$ref` is the one name with a `$`.
    static func isAttributeName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.count <= 100 else { return false }
        if text == "$ref" { return true }
        let letter: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("A"..."Z").contains($0) }
        return letter(first) && text.unicodeScalars.allSatisfy { letter($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    public var description: String {
        let local = [name, subAttribute].compactMap { $0 }.joined(separator: ".")
        guard let schema else { return local }
        return local.isEmpty ? schema : "\(schema):\(local)"
    }
}

/// Why a filter or path could not be read; the message names the offending part.
public struct SCIMFilterError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

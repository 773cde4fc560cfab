/// A PATCH path taken apart: `members[value eq "2819c223"]`, `emails[type eq "work"].value`, `name.givenName`,
/// `urn:…:enterprise:2.0:User:manager`, or an extension's URN alone (then `name` is the URN).
struct SCIMPatchTarget {
    /// The extension holding the attribute (nil for the core schema).
    var extensionSchema: String?
    var name: String
    var filter: SCIMFilter?
    var subAttribute: String?

    static func parse(_ text: String, schemas: [String]) throws(SCIMPatchError) -> SCIMPatchTarget {
        guard text.utf8.count <= SCIMFilter.maxLength else { throw SCIMPatchError("invalidPath", "path: longer than \(SCIMFilter.maxLength) bytes") }
        do throws(SCIMFilterError) {
            var attributeText = text, filter: SCIMFilter?, sub: String?
            if let open = text.firstIndex(of: "[") {
                guard let close = text.lastIndex(of: "]"), close > open else { throw SCIMFilterError("'[' is not closed with ']'") }
                attributeText = String(text[..<open])
                filter = try SCIMFilter.parse(String(text[text.index(after: open)..<close]))
                let rest = text[text.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.first == ".", SCIMAttributePath.isAttributeName(String(rest.dropFirst())) else {
                        throw SCIMFilterError("'\(rest.prefix(100))' after ']' must be '.' and a sub-attribute")
                    }
                    sub = String(rest.dropFirst())
                }
            }
            let path = try SCIMAttributePath.parse(attributeText, schemas: schemas)
            let core = schemas.first?.lowercased()
            let schema = path.schema.flatMap { $0.lowercased() == core ? nil : $0 }
            guard let name = path.name else {
                guard let schema else { throw SCIMFilterError("a path must name an attribute") }
                return SCIMPatchTarget(extensionSchema: schema, name: schema, filter: nil, subAttribute: nil)
            }
            if filter != nil, path.subAttribute != nil { throw SCIMFilterError("a filter belongs after the multi-valued attribute, not a sub-attribute") }
            return SCIMPatchTarget(extensionSchema: schema, name: name, filter: filter, subAttribute: sub ?? path.subAttribute)
        } catch {
            throw SCIMPatchError("invalidPath", "path: \(error.description)")
        }
    }
}

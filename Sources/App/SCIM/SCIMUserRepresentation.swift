import HeraldCore

/// A directory user as a SCIM User resource (RFC 7643 §4.1) with the enterprise extension when it has any of it.
enum SCIMUserRepresentation {
    static func json(_ user: DirectoryUser, base: String, meta: Bool = true) throws -> JSONValue {
        let id = try user.requireID().uuidString
        var object: [String: JSONValue] = [
            "id": .string(id),
            "userName": .string(user.userName ?? user.email),
            "active": .bool(user.enabled),
        ]
        var email: [String: JSONValue] = ["value": .string(user.email)]
        email["type"] = user.emailType.map(JSONValue.string)
        email["primary"] = user.emailPrimary.map(JSONValue.bool)
        object["emails"] = .array([.object(email)])
        object["externalId"] = user.externalID.map(JSONValue.string)
        object["displayName"] = user.displayName.map(JSONValue.string)
        var name: [String: JSONValue] = [:]
        name["givenName"] = user.givenName.map(JSONValue.string)
        name["familyName"] = user.familyName.map(JSONValue.string)
        if !name.isEmpty { object["name"] = .object(name) }
        var enterprise: [String: JSONValue] = [:]
        enterprise["employeeNumber"] = user.employeeNumber.map(JSONValue.string)
        enterprise["department"] = user.department.map(JSONValue.string)
        enterprise["manager"] = user.manager.map { .object(["value": .string($0), "$ref": .string("\(base)/Users/\($0)")]) }
        var schemas: [JSONValue] = [.string(SCIMSchemas.user)]
        if !enterprise.isEmpty {
            object[SCIMSchemas.enterpriseUser] = .object(enterprise)
            schemas.append(.string(SCIMSchemas.enterpriseUser))
        }
        object["schemas"] = .array(schemas)
        if meta {
            object["meta"] = .object([
                "resourceType": .string("User"), "created": SCIMText.date(user.createdAt), "lastModified": SCIMText.date(user.updatedAt ?? user.createdAt),
                "location": .string("\(base)/Users/\(id)"), "version": .string(SCIMText.etag(user.version)),
            ])
        }
        return .object(object)
    }

    /// Compared with case: ids and the source's ids; the rest (userName, emails, names) without.
    static func caseExact(_ path: SCIMAttributePath) -> Bool {
        ["id", "externalid"].contains(path.name?.lowercased() ?? "") || path.name?.lowercased() == "meta"
    }

    static let patcher = SCIMPatcher(schemas: SCIMSchemas.userSchemas, multiValued: ["emails", "phonenumbers", "addresses"])
}

import HeraldCore
import Vapor

/// The schema URNs Herald serves, and the discovery documents (`Resources/SCIM/schemas.json`), loaded once.
enum SCIMSchemas {
    static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let group = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let listResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    static let userSchemas = [user, enterpriseUser]
    static let groupSchemas = [group]

    /// Largest page (`count`); ServiceProviderConfig announces it as `filter.maxResults`.
    static let maxResults = 200
    static let defaultCount = 100
    /// Largest request body: a group PUT with tens of thousands of members fits.
    static let maxBody: ByteCount = "4mb"

    /// The schemas as `/Schemas` lists them (without `meta`, added per request with the location).
    static func load(directory: String) throws -> [JSONValue] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "SCIM/schemas.json"))
        return try JSONDecoder().decode([JSONValue].self, from: data)
    }

    static func serviceProviderConfig(base: String) -> JSONValue {
        func supported(_ flag: Bool) -> JSONValue { .object(["supported": .bool(flag)]) }
        return .object([
            "schemas": .array([.string("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig")]),
            "documentationUri": .string("https://www.rfc-editor.org/rfc/rfc7644"),
            "patch": supported(true),
            "bulk": .object(["supported": .bool(false), "maxOperations": .number(0), "maxPayloadSize": .number(0)]),
            "filter": .object(["supported": .bool(true), "maxResults": .number(Double(maxResults))]),
            "changePassword": supported(false),
            "sort": supported(false),
            "etag": supported(true),
            "authenticationSchemes": .array([.object([
                "type": .string("oauthbearertoken"), "name": .string("Bearer token"), "primary": .bool(true),
                "description": .string("A SCIM token created on the console's Directory page, sent as 'Authorization: Bearer <token>'"),
            ])]),
            "meta": .object(["resourceType": .string("ServiceProviderConfig"), "location": .string(base + "/ServiceProviderConfig")]),
        ])
    }

    static func resourceTypes(base: String) -> [JSONValue] {
        func type(_ name: String, endpoint: String, schema: String, extensions: [String]) -> JSONValue {
            .object([
                "schemas": .array([.string("urn:ietf:params:scim:schemas:core:2.0:ResourceType")]),
                "id": .string(name), "name": .string(name), "endpoint": .string(endpoint), "schema": .string(schema),
                "description": .string(name == "User" ? "People in the organization's directory" : "Groups of people and groups"),
                "schemaExtensions": .array(extensions.map { .object(["schema": .string($0), "required": .bool(false)]) }),
                "meta": .object(["resourceType": .string("ResourceType"), "location": .string(base + "/ResourceTypes/" + name)]),
            ])
        }
        return [type("User", endpoint: "/Users", schema: user, extensions: [enterpriseUser]),
                type("Group", endpoint: "/Groups", schema: group, extensions: [])]
    }

    /// `{ "schemas": [ListResponse], "totalResults": …, "Resources": […] }`.
    static func listResponse(_ resources: [JSONValue], total: Int, startIndex: Int) -> JSONValue {
        .object([
            "schemas": .array([.string(listResponse)]), "totalResults": .number(Double(total)),
            "startIndex": .number(Double(startIndex)), "itemsPerPage": .number(Double(resources.count)), "Resources": .array(resources),
        ])
    }
}

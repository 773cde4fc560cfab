import HeraldCore
import Vapor

/// `/ServiceProviderConfig`, `/ResourceTypes` and `/Schemas` (RFC 7644 §4): read-only, so other methods get 405.
struct SCIMDiscoveryController {
    let schemas: [JSONValue]

    func register(on routes: any RoutesBuilder) {
        routes.get("ServiceProviderConfig") { req in SCIMResponse.json(SCIMSchemas.serviceProviderConfig(base: try req.scim.baseURL)) }
        routes.get("ResourceTypes") { req in
            let types = SCIMSchemas.resourceTypes(base: try req.scim.baseURL)
            return SCIMResponse.json(SCIMSchemas.listResponse(types, total: types.count, startIndex: 1))
        }
        routes.get("ResourceTypes", ":id") { req in
            try SCIMResponse.json(Self.one(SCIMSchemas.resourceTypes(base: try req.scim.baseURL), id: req.parameters.get("id"), what: "ResourceTypes"))
        }
        routes.get("Schemas") { req in
            let all = try schemas.map { try Self.located($0, base: try req.scim.baseURL) }
            return SCIMResponse.json(SCIMSchemas.listResponse(all, total: all.count, startIndex: 1))
        }
        routes.get("Schemas", ":id") { req in
            let all = try schemas.map { try Self.located($0, base: try req.scim.baseURL) }
            return try SCIMResponse.json(Self.one(all, id: req.parameters.get("id"), what: "Schemas"))
        }
        for path in ["ServiceProviderConfig", "ResourceTypes", "Schemas"] {
            for method in [HTTPMethod.POST, .PUT, .PATCH, .DELETE] {
                routes.on(method, PathComponent(stringLiteral: path)) { _ -> Response in
                    throw SCIMError(.methodNotAllowed, nil, "\(path): is read-only; only GET is supported")
                }
            }
        }
        // Searching several resource types at once (RFC 7644 §3.4.3) is not offered.
        routes.post(".search") { _ -> Response in
            throw SCIMError(.notImplemented, nil, "/.search: searching several resource types at once is not supported; search /Users or /Groups")
        }
    }

    private static func one(_ items: [JSONValue], id: String?, what: String) throws -> JSONValue {
        guard let id, let item = items.first(where: { $0["id"]?.stringValue == id }) else { throw SCIMError.notFound(what) }
        return item
    }

    private static func located(_ schema: JSONValue, base: String) throws -> JSONValue {
        guard var object = schema.objectValue, let id = object["id"]?.stringValue else { return schema }
        object["meta"] = .object(["resourceType": .string("Schema"), "location": .string(base + "/Schemas/" + id)])
        return .object(object)
    }
}

import Fluent
import HeraldCore
import Vapor

/// `/scim/v2/Users` (RFC 7644 §3): users of the token's organization as SCIM User resources.
struct SCIMUsersController: SCIMResourceController {
    let path: PathComponent = "Users"

    func list(_ req: Request) async throws -> Response {
        let context = try req.scim
        let request = try SCIMListRequest(req, schemas: SCIMSchemas.userSchemas)
        let live = { DirectoryUser.query(on: req.db).filter(\.$organization.$id == context.organizationID).filter(\.$removedAt == nil) }
        var query = live()
        guard let filter = request.filter else {
            // No filter: the database counts and pages.
            let total = try await live().count()
            let rows = try await query.sort(\.$createdAt).sort(\.$id).range((request.startIndex - 1)..<(request.startIndex - 1 + request.count)).all()
            let resources = try rows.map { request.projection.apply(try SCIMUserRepresentation.json($0, base: context.baseURL)) }
            return SCIMResponse.json(SCIMSchemas.listResponse(resources, total: total, startIndex: request.startIndex))
        }
        for (attribute, value) in SCIMRequests.requiredEqualities(filter) {
            switch attribute {
            case "username": query = query.filter(\.$userName == value.lowercased())
            case "externalid": query = query.filter(\.$externalID == value)
            case "emails.value": query = query.filter(\.$email == value.lowercased())
            case "id": query = query.filter(\.$id == (UUID(uuidString: value) ?? UUID()))
            default: continue
            }
        }
        let matches = try await query.sort(\.$createdAt).sort(\.$id).all().compactMap { user -> JSONValue? in
            let json = try SCIMUserRepresentation.json(user, base: context.baseURL)
            return filter.matches(json, caseExact: SCIMUserRepresentation.caseExact) ? json : nil
        }
        let page = request.page(matches).map(request.projection.apply)
        return SCIMResponse.json(SCIMSchemas.listResponse(Array(page), total: matches.count, startIndex: request.startIndex))
    }

    func show(_ req: Request) async throws -> Response {
        let user = try await SCIMUserStore(req).find(req.parameters.get("id"))
        return try respond(user, req)
    }

    func create(_ req: Request) async throws -> Response {
        let input = try SCIMUserInput(try SCIMResponse.body(req))
        let user = try await SCIMUserStore(req).create(input)
        return try respond(user, req, status: .created)
    }

    func replace(_ req: Request) async throws -> Response {
        let store = try SCIMUserStore(req)
        let user = try await store.find(req.parameters.get("id"))
        try SCIMRequests.checkIfMatch(req, version: user.version)
        try await store.replace(user, with: try SCIMUserInput(try SCIMResponse.body(req)))
        return try respond(user, req)
    }

    /// The operations apply to the user as SCIM shows them; the result is then written as a PUT would be.
    func patch(_ req: Request) async throws -> Response {
        let store = try SCIMUserStore(req)
        let user = try await store.find(req.parameters.get("id"))
        try SCIMRequests.checkIfMatch(req, version: user.version)
        let operations = try SCIMRequests.patchOperations(req)
        let current = try SCIMUserRepresentation.json(user, base: try req.scim.baseURL, meta: false)
        let patched: JSONValue
        do { patched = try SCIMUserRepresentation.patcher.apply(operations, to: current) } catch { throw error.abort }
        try await store.replace(user, with: try SCIMUserInput(patched))
        return try respond(user, req)
    }

    func delete(_ req: Request) async throws -> HTTPStatus {
        let store = try SCIMUserStore(req)
        let user = try await store.find(req.parameters.get("id"))
        try SCIMRequests.checkIfMatch(req, version: user.version)
        try await store.remove(user)
        return .noContent
    }

    private func respond(_ user: DirectoryUser, _ req: Request, status: HTTPResponseStatus = .ok) throws -> Response {
        try SCIMRequests.resource(try SCIMUserRepresentation.json(user, base: try req.scim.baseURL), req,
                                  schemas: SCIMSchemas.userSchemas, version: user.version, status: status)
    }
}

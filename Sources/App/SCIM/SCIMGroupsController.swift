import Fluent
import HeraldCore
import Vapor

/// `/scim/v2/Groups` (RFC 7644 §3): the organization's directory groups as SCIM Group resources.
struct SCIMGroupsController: SCIMResourceController {
    let path: PathComponent = "Groups"

    func list(_ req: Request) async throws -> Response {
        let context = try req.scim
        let request = try SCIMListRequest(req, schemas: SCIMSchemas.groupSchemas)
        var query = DirectoryGroup.query(on: req.db).filter(\.$organization.$id == context.organizationID)
        for (attribute, value) in SCIMRequests.requiredEqualities(request.filter) {
            switch attribute {
            case "externalid": query = query.filter(\.$externalID == value)
            case "id": query = query.filter(\.$id == (UUID(uuidString: value) ?? UUID()))
            default: continue
            }
        }
        let groups = try await query.sort(\.$createdAt).sort(\.$id).all()
        // Entra ID lists groups with `excludedAttributes=members`: their members are not loaded then.
        let filterNeedsMembers = request.filter?.mentions("members") ?? false
        let needsMembers = request.projection.returns("members") || filterNeedsMembers
        let members = needsMembers ? try await SCIMGroupRepresentation.members(of: groups.compactMap(\.id), on: req.db) : [:]
        let matches = try groups.compactMap { group -> JSONValue? in
            let json = try SCIMGroupRepresentation.json(group, members: members[try group.requireID()] ?? [], base: context.baseURL)
            return request.filter.map { $0.matches(json, caseExact: SCIMGroupRepresentation.caseExact) } ?? true ? json : nil
        }
        let page = request.page(matches).map(request.projection.apply)
        return SCIMResponse.json(SCIMSchemas.listResponse(Array(page), total: matches.count, startIndex: request.startIndex))
    }

    func show(_ req: Request) async throws -> Response {
        let group = try await SCIMGroupStore(req).find(req.parameters.get("id"))
        let groupID = try group.requireID()
        return try respond(group, members: try await SCIMGroupRepresentation.members(of: [groupID], on: req.db)[groupID] ?? [], req)
    }

    func create(_ req: Request) async throws -> Response {
        let (group, members) = try await SCIMGroupStore(req).create(try SCIMGroupInput(try SCIMResponse.body(req)))
        try await inviteNewMembers(req)
        return try respond(group, members: members, req, status: .created)
    }

    func replace(_ req: Request) async throws -> Response {
        let store = try SCIMGroupStore(req)
        let group = try await store.find(req.parameters.get("id"))
        try SCIMRequests.checkIfMatch(req, version: group.version)
        let members = try await store.replace(group, with: try SCIMGroupInput(try SCIMResponse.body(req)))
        try await inviteNewMembers(req)
        return try respond(group, members: members, req)
    }

    /// Member changes (Entra ID's and Okta's add/remove of `members`) and renames apply to the group as SCIM shows it.
    func patch(_ req: Request) async throws -> Response {
        let store = try SCIMGroupStore(req)
        let group = try await store.find(req.parameters.get("id"))
        try SCIMRequests.checkIfMatch(req, version: group.version)
        let operations = try SCIMRequests.patchOperations(req)
        let groupID = try group.requireID()
        let current = try SCIMGroupRepresentation.json(group, members: try await SCIMGroupRepresentation.members(of: [groupID], on: req.db)[groupID],
                                                       base: try req.scim.baseURL, meta: false)
        let patched: JSONValue
        do { patched = try SCIMGroupRepresentation.patcher.apply(operations, to: current) } catch { throw error.abort }
        let members = try await store.replace(group, with: try SCIMGroupInput(patched))
        try await inviteNewMembers(req)
        return try respond(group, members: members, req)
    }

    func delete(_ req: Request) async throws -> HTTPStatus {
        let store = try SCIMGroupStore(req)
        let group = try await store.find(req.parameters.get("id"))
        try SCIMRequests.checkIfMatch(req, version: group.version)
        try await store.delete(group)
        return .noContent
    }

    /// After the change is committed: new members of groups with an auto-invite rule get their invitations.
    private func inviteNewMembers(_ req: Request) async throws {
        let context = try req.scim
        try await DirectoryAutoInvites(services: req.herald).run(organizationID: context.organizationID, actor: context.actor, on: req.db)
    }

    private func respond(_ group: DirectoryGroup, members: [SCIMGroupRepresentation.Member], _ req: Request,
                         status: HTTPResponseStatus = .ok) throws -> Response {
        try SCIMRequests.resource(try SCIMGroupRepresentation.json(group, members: members, base: try req.scim.baseURL), req,
                                  schemas: SCIMSchemas.groupSchemas, version: group.version, status: status)
    }
}

import Fluent
import HeraldCore
import Vapor

/// `/api/v1/directory/...`: the directory's users and groups for scripts and synchronisation jobs.
extension APIController {
    struct DirectoryUserDTO: Content {
        let id: UUID
        let name: String
        let email: String
        let enabled: Bool
        let groups: [String]
    }

    struct DirectoryGroupDTO: Content {
        let id: UUID
        let name: String
        /// Direct members only; `recipients` is who an invitation to the group reaches.
        let users: [String]
        let groups: [String]
        let recipients: [String]
    }

    struct NewDirectoryUser: Content {
        var name: String
        var email: String
        var enabled: Bool?
    }

    struct DirectoryUserChange: Content {
        var name: String?
        var enabled: Bool?
    }

    struct NewDirectoryGroup: Content { var name: String }

    struct DirectoryMemberBody: Content {
        /// An email or id of a user, or the name or id of a group: exactly one.
        var user: String?
        var group: String?
    }

    /// A page of users by name, or by email with `?q=` (an email prefix) (`?cursor=`, `?limit=` up to 1,000, default
    /// 100; `Link` names the next and previous pages).
    func directoryUsers(_ req: Request) async throws -> Response {
        let organizationID = try req.api.organizationID
        let filter = try DirectoryUserList(req)
        let list = try ListRequest(req, defaultLimit: Self.defaultListLimit)
        let users = try await list.page(try filter.query(organizationID: organizationID, on: req.db), filter.ordering)
        let groupsOfUser = try await DirectoryStore.groupNames(ofUsers: users.rows.map { try $0.requireID() }, on: req.db)
        return try await list.response(users, for: req) { user in
            DirectoryUserDTO(id: try user.requireID(), name: user.name, email: user.email, enabled: user.enabled,
                             groups: (groupsOfUser[try user.requireID()] ?? []).sorted())
        }
    }

    /// `GET /api/v1/directory/users/export.csv`: the (searched) users in full, streamed.
    func exportDirectoryUsers(_ req: Request) async throws -> Response {
        try DirectoryUserList(req).export(organizationID: try req.api.organizationID, for: req)
    }

    func createDirectoryUser(_ req: Request) async throws -> Response {
        let context = try req.api
        let body = try req.content.decode(NewDirectoryUser.self)
        let user = try await DirectoryStore.createUser(name: body.name, email: body.email, enabled: body.enabled ?? true,
                                                       organizationID: context.organizationID, actor: context.actor, on: req.db)
        return try await DirectoryUserDTO(id: try user.requireID(), name: user.name, email: user.email, enabled: user.enabled, groups: [])
            .encodeResponse(status: .created, for: req)
    }

    func updateDirectoryUser(_ req: Request) async throws -> HTTPStatus {
        let context = try req.api
        let body = try req.content.decode(DirectoryUserChange.self)
        let user = try await DirectoryStore.user(req.parameters.get("id", as: UUID.self), in: context.organizationID, on: req.db, field: "id")
        try await DirectoryStore.updateUser(user, name: body.name, enabled: body.enabled, actor: context.actor, on: req.db)
        return .noContent
    }

    func deleteDirectoryUser(_ req: Request) async throws -> HTTPStatus {
        let context = try req.api
        let user = try await DirectoryStore.user(req.parameters.get("id", as: UUID.self), in: context.organizationID, on: req.db, field: "id")
        try await DirectoryStore.deleteUser(user, actor: context.actor, on: req.db)
        return .noContent
    }

    /// The body is the CSV file itself (`Content-Type: text/csv`). A file with problems is answered 400 at once;
    /// a valid one 202 with the import job, written in the background (`Location` is the job to poll).
    func importDirectoryUsers(_ req: Request) async throws -> Response {
        let context = try req.api
        let data = req.body.data.map { Data(buffer: $0) } ?? Data()
        try await DirectorySettingsStore.refuseImport(organizationID: context.organizationID, on: req.db)
        let rows = try await DirectoryImport.validRows(data)
        let job = req.herald.directoryImports.start(rows, organizationID: context.organizationID, actor: context.actor,
                                                    on: req.application.db, logger: req.application.logger)
        let response = try await job.encodeResponse(status: .accepted, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/directory/import-jobs/\(job.id)")
        return response
    }

    /// One import's progress: `state` running, finished (with `summary`) or failed (with `problem`).
    func directoryImportJob(_ req: Request) async throws -> DirectoryImportJob {
        let organizationID = try req.api.organizationID
        guard let job = req.herald.directoryImports.job(req.parameters.get("id", as: UUID.self), organizationID: organizationID) else {
            throw Abort(.notFound, reason: "id: no such import job in your organization (finished jobs are kept for an hour)")
        }
        return job
    }

    func directoryGroups(_ req: Request) async throws -> [DirectoryGroupDTO] {
        let organizationID = try req.api.organizationID
        let users = Dictionary(uniqueKeysWithValues: try await DirectoryStore.users(of: organizationID, on: req.db).map { (try $0.requireID(), $0.email) })
        let groups = try await DirectoryStore.groups(of: organizationID, on: req.db)
        let names = Dictionary(uniqueKeysWithValues: try groups.map { (try $0.requireID(), $0.name) })
        let graph = try await DirectoryStore.graph(of: organizationID, on: req.db)
        return try groups.map { group in
            let id = try group.requireID()
            return DirectoryGroupDTO(id: id, name: group.name,
                                     users: graph.memberUsers[id, default: []].compactMap { users[$0] }.sorted(),
                                     groups: graph.memberGroups[id, default: []].compactMap { names[$0] }.sorted(),
                                     recipients: graph.recipients(users: [], groups: [id]).compactMap { users[$0] })
        }
    }

    func createDirectoryGroup(_ req: Request) async throws -> Response {
        let context = try req.api
        let body = try req.content.decode(NewDirectoryGroup.self)
        let group = try await DirectoryStore.createGroup(name: body.name, organizationID: context.organizationID, actor: context.actor, on: req.db)
        return try await DirectoryGroupDTO(id: try group.requireID(), name: group.name, users: [], groups: [], recipients: [])
            .encodeResponse(status: .created, for: req)
    }

    func deleteDirectoryGroup(_ req: Request) async throws -> HTTPStatus {
        let context = try req.api
        let group = try await DirectoryStore.group(req.parameters.get("id", as: UUID.self), in: context.organizationID, on: req.db, field: "id")
        try await DirectoryStore.deleteGroup(group, actor: context.actor, on: req.db)
        return .noContent
    }

    func addDirectoryMember(_ req: Request) async throws -> HTTPStatus {
        try await Self.changeDirectoryMember(req, add: true)
    }

    func removeDirectoryMember(_ req: Request) async throws -> HTTPStatus {
        try await Self.changeDirectoryMember(req, add: false)
    }

    private static func changeDirectoryMember(_ req: Request, add: Bool) async throws -> HTTPStatus {
        let context = try req.api
        let body = try req.content.decode(DirectoryMemberBody.self)
        let group = try await DirectoryStore.group(req.parameters.get("id", as: UUID.self), in: context.organizationID, on: req.db, field: "id")
        let request = try await ClientInvitationRequest.resolving(
            deviceTypes: [], server: "", port: "", mode: "", authentication: "", credentialProvider: "",
            users: body.user.map { [$0] } ?? [], groups: body.group.map { [$0] } ?? [], language: nil, subject: nil, template: nil,
            organizationID: context.organizationID, on: req.db)
        guard request.userIDs.count + request.groupIDs.count == 1 else {
            throw Abort(.badRequest, reason: "user: give exactly one of user (email or id) or group (name or id)")
        }
        if let userID = request.userIDs.first {
            let user = try await DirectoryStore.user(userID, in: context.organizationID, on: req.db)
            if add { try await DirectoryStore.addUser(user, to: group, actor: context.actor, on: req.db) } else {
                try await DirectoryStore.removeMember(from: group, user: userID, memberGroup: nil, actor: context.actor, on: req.db)
            }
        } else if let childID = request.groupIDs.first {
            let child = try await DirectoryStore.group(childID, in: context.organizationID, on: req.db)
            if add { try await DirectoryStore.addGroup(child, to: group, actor: context.actor, on: req.db) } else {
                try await DirectoryStore.removeMember(from: group, user: nil, memberGroup: childID, actor: context.actor, on: req.db)
            }
        }
        return .noContent
    }
}

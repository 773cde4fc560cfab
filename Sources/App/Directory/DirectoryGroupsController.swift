import Fluent
import Vapor

/// Creating groups and managing one group's members (users and nested groups).
struct DirectoryGroupsController {
    struct Member: Encodable {
        let kind: String
        let id: String
        let label: String
    }

    struct Choice: Encodable {
        let id: String
        let label: String
    }

    struct ViewModel: Encodable {
        let id: String
        let name: String
        let members: [Member]
        let userChoices: [Choice]
        let groupChoices: [Choice]
        let resolved: [String]
        let autoInvite: DirectoryAutoInviteController.PageModel
        var error: String?
    }

    struct NewGroup: Content { var name: String }

    func create(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(NewGroup.self)
        return try await DirectoryController.change(req) {
            let group = try await DirectoryStore.createGroup(name: form.name, organizationID: context.organizationID, actor: context.actor, on: req.db)
            return "Created the group \(group.name)."
        }
    }

    func show(_ req: Request) async throws -> View {
        try await Self.render(req, error: nil)
    }

    static func render(_ req: Request, error: String?) async throws -> View {
        let organizationID = try req.console.organizationID
        let group = try await DirectoryStore.group(req.parameters.get("id", as: UUID.self), in: organizationID, on: req.db)
        let users = try await DirectoryStore.users(of: organizationID, on: req.db)
        let groups = try await DirectoryStore.groups(of: organizationID, on: req.db)
        let edges = try await DirectoryStore.edges(of: organizationID, on: req.db).filter { $0.$group.id == group.id }
        let userByID = Dictionary(uniqueKeysWithValues: try users.map { (try $0.requireID(), $0) })
        let groupByID = Dictionary(uniqueKeysWithValues: try groups.map { (try $0.requireID(), $0) })
        let members: [Member] = edges.compactMap { edge in
            if let id = edge.$user.id, let user = userByID[id] {
                return Member(kind: "user", id: id.uuidString, label: "\(user.name) <\(user.email)>\(user.enabled ? "" : " (disabled)")")
            }
            if let id = edge.$memberGroup.id, let member = groupByID[id] { return Member(kind: "group", id: id.uuidString, label: "group \(member.name)") }
            return nil
        }.sorted { $0.label < $1.label }
        let graph = try await DirectoryStore.graph(of: organizationID, on: req.db)
        let resolved = graph.recipients(users: [], groups: [try group.requireID()]).compactMap { userByID[$0].map { "\($0.name) <\($0.email)>" } }
        let model = ViewModel(
            id: try group.requireID().uuidString, name: group.name, members: members,
            // Only who can still be added: not the direct members, not the group itself.
            userChoices: try users.filter { user in !edges.contains { $0.$user.id == user.id } }
                .map { Choice(id: try $0.requireID().uuidString, label: "\($0.name) <\($0.email)>") },
            groupChoices: try groups.filter { candidate in candidate.id != group.id && !edges.contains { $0.$memberGroup.id == candidate.id } }
                .map { Choice(id: try $0.requireID().uuidString, label: $0.name) },
            resolved: resolved,
            autoInvite: try await DirectoryAutoInviteController.pageModel(groupID: try group.requireID(), organizationID: organizationID, on: req.db),
            error: error
        )
        return try await req.renderPage("directory-group", section: .directory, title: "Group \(group.name)", model)
    }

    struct MemberForm: Content {
        var user_id: String?
        var member_group_id: String?
    }

    func addMember(_ req: Request) async throws -> Response {
        try await Self.changeMembers(req) { context, group, form in
            if let id = UUID(uuidString: form.user_id ?? "") {
                let user = try await DirectoryStore.user(id, in: context.organizationID, on: req.db, field: "user_id")
                try await DirectoryStore.addUser(user, to: group, actor: context.actor, on: req.db)
                return "Added \(user.email) to \(group.name)."
            }
            if let id = UUID(uuidString: form.member_group_id ?? "") {
                let child = try await DirectoryStore.group(id, in: context.organizationID, on: req.db, field: "member_group_id")
                try await DirectoryStore.addGroup(child, to: group, actor: context.actor, on: req.db)
                return "Added the group \(child.name) to \(group.name)."
            }
            throw Abort(.badRequest, reason: "member: choose a user or a group to add")
        }
    }

    func removeMember(_ req: Request) async throws -> Response {
        try await Self.changeMembers(req) { context, group, form in
            try await DirectoryStore.removeMember(from: group, user: UUID(uuidString: form.user_id ?? ""),
                                                  memberGroup: UUID(uuidString: form.member_group_id ?? ""), actor: context.actor, on: req.db)
            return "Removed the member from \(group.name)."
        }
    }

    func delete(_ req: Request) async throws -> Response {
        let context = try req.console
        return try await DirectoryController.change(req) {
            let group = try await DirectoryStore.group(req.parameters.get("id", as: UUID.self), in: context.organizationID, on: req.db)
            try await DirectoryStore.deleteGroup(group, actor: context.actor, on: req.db)
            return "Deleted the group \(group.name)."
        }
    }

    private static func changeMembers(_ req: Request, _ body: (ConsoleContext, DirectoryGroup, MemberForm) async throws -> String) async throws -> Response {
        let context = try req.console
        let group = try await DirectoryStore.group(req.parameters.get("id", as: UUID.self), in: context.organizationID, on: req.db)
        let form = try req.content.decode(MemberForm.self)
        do {
            req.flash(try await body(context, group, form))
            return req.redirect(to: "/console/directory/groups/\(try group.requireID().uuidString)")
        } catch let abort as any AbortError where abort.status.code < 500 {
            let response = try await render(req, error: abort.reason).encodeResponse(for: req).get()
            response.status = abort.status
            return response
        }
    }
}

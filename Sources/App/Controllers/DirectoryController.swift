import Fluent
import Vapor

/// The organization's local directory: users and groups that client invitations are sent to.
/// Every form posts back here; a refused change shows the page again with the reason, and keeps what was typed.
enum DirectoryController {
    struct UserRow: Encodable {
        let id: String
        let name: String
        let email: String
        let enabled: Bool
        let groups: String
    }

    struct GroupRow: Encodable {
        let id: String
        let name: String
        let members: Int
    }

    struct ViewModel: Encodable {
        let users: [UserRow]
        let groups: [GroupRow]
        var error: String?
        var newName = ""
        var newEmail = ""
        var csv = ""
    }

    static func show(_ req: Request) async throws -> View {
        try await render(req, ViewModel(users: [], groups: []))
    }

    static func render(_ req: Request, _ model: ViewModel) async throws -> View {
        let organizationID = try req.console.organization.id!
        let users = try await DirectoryStore.users(of: organizationID, on: req.db)
        let groups = try await DirectoryStore.groups(of: organizationID, on: req.db)
        let edges = try await DirectoryStore.edges(of: organizationID, on: req.db)
        let groupNames = Dictionary(uniqueKeysWithValues: groups.map { ($0.id!, $0.name) })
        var groupsOfUser: [UUID: [String]] = [:]
        for edge in edges { if let user = edge.$user.id, let name = groupNames[edge.$group.id] { groupsOfUser[user, default: []].append(name) } }
        let content = ViewModel(
            users: users.map { UserRow(id: $0.id!.uuidString, name: $0.name, email: $0.email, enabled: $0.enabled,
                                       groups: (groupsOfUser[$0.id!] ?? []).sorted().joined(separator: ", ")) },
            groups: groups.map { group in GroupRow(id: group.id!.uuidString, name: group.name, members: edges.filter { $0.$group.id == group.id }.count) },
            error: model.error, newName: model.newName, newEmail: model.newEmail, csv: model.csv
        )
        return try await req.renderPage("directory", section: .directory, content)
    }

    /// Runs a change; on a 4xx shows the directory page with the reason (and the input) instead of an error page.
    static func change(_ req: Request, keep model: ViewModel = ViewModel(users: [], groups: []), redirect: String = "/console/directory",
                       _ body: () async throws -> String) async throws -> Response {
        do {
            req.flash(try await body())
            return req.redirect(to: redirect)
        } catch let abort as any AbortError where abort.status.code < 500 {
            var failed = model
            failed.error = abort.reason
            let response = try await render(req, failed).encodeResponse(for: req).get()
            response.status = abort.status
            return response
        }
    }

    struct NewUser: Content {
        var name: String
        var email: String
    }

    static func createUser(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(NewUser.self)
        return try await change(req, keep: ViewModel(users: [], groups: [], newName: form.name, newEmail: form.email)) {
            let user = try await DirectoryStore.createUser(name: form.name, email: form.email, enabled: true,
                                                           organizationID: context.organization.id!, actor: context.actor, on: req.db)
            return "Added \(user.name) <\(user.email)>."
        }
    }

    /// `enable`, `disable` or `delete` one user.
    static func userAction(_ req: Request) async throws -> Response {
        switch req.parameters.get("action") {
        case "enable", "disable": return try await setEnabled(req)
        case "delete": return try await deleteUser(req)
        default: throw Abort(.notFound, reason: "action: must be enable, disable or delete")
        }
    }

    static func setEnabled(_ req: Request) async throws -> Response {
        let context = try req.console
        let enabled = req.parameters.get("action") == "enable"
        return try await change(req) {
            let user = try await DirectoryStore.user(req.parameters.get("id", as: UUID.self), in: context.organization.id!, on: req.db)
            try await DirectoryStore.updateUser(user, name: nil, enabled: enabled, actor: context.actor, on: req.db)
            return "\(user.email) is \(enabled ? "enabled" : "disabled")."
        }
    }

    static func deleteUser(_ req: Request) async throws -> Response {
        let context = try req.console
        return try await change(req) {
            let user = try await DirectoryStore.user(req.parameters.get("id", as: UUID.self), in: context.organization.id!, on: req.db)
            try await DirectoryStore.deleteUser(user, actor: context.actor, on: req.db)
            return "Removed \(user.email) from the directory."
        }
    }

    struct ImportForm: Content {
        var csv: String?
        var file: File?
    }

    static func importUsers(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(ImportForm.self)
        let pasted = form.csv ?? ""
        return try await change(req, keep: ViewModel(users: [], groups: [], csv: pasted)) {
            var data = Data(pasted.utf8)
            if let file = form.file, file.data.readableBytes > 0 { data = Data(buffer: file.data) }
            let summary = try await DirectoryImport.run(data, organizationID: context.organization.id!, actor: context.actor, on: req.db)
            return "Imported: \(summary.created) added, \(summary.updated) updated, \(summary.groupsCreated) groups created, \(summary.membershipsAdded) group memberships added."
        }
    }
}

import Fluent
import Vapor

/// The organization's local directory: users and groups that client invitations are sent to.
/// Every form posts back here; a refused change shows the page again with the reason, and keeps what was typed.
struct DirectoryController {
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
        var users: [UserRow] = []
        var groups: [GroupRow] = []
        var error: String?
        var newName = ""
        var newEmail = ""
        var csv = ""
        var search = ""
        /// Links to the neighbouring pages of each list; each keeps the other list's position.
        var userPages: ListLinks?
        var previousGroups: String?
        var nextGroups: String?
        /// How the directory is provisioned, and the SCIM tokens.
        var source: DirectorySourceController.Section?
    }

    static let usersPerPage = 100
    static let groupsPerPage = 100

    func show(_ req: Request) async throws -> View {
        try await Self.render(req, ViewModel())
    }

    static func render(_ req: Request, _ model: ViewModel) async throws -> View {
        let organizationID = try req.console.organizationID
        let filter = try DirectoryUserList(req)
        let userList = try ListRequest(req, defaultLimit: usersPerPage)
        let groupPage = try PageRequest(req, pageField: "groups_page", size: groupsPerPage)
        let users = try await userList.page(try filter.query(organizationID: organizationID, on: req.db), filter.ordering)
        let groups = try await groupPage.slice { offset, limit in
            try await DirectoryGroup.query(on: req.db).filter(\.$organization.$id == organizationID)
                .sort(\.$name).range(offset..<(offset + limit)).all()
        }
        let groupsOfUser = try await DirectoryStore.groupNames(ofUsers: users.rows.map { try $0.requireID() }, on: req.db)
        let memberCounts = try await DirectoryStore.memberCounts(ofGroups: groups.rows.map { try $0.requireID() }, on: req.db)
        var content = model
        content.users = try users.rows.map { user in
            UserRow(id: try user.requireID().uuidString, name: user.name, email: user.email, enabled: user.enabled,
                    groups: (groupsOfUser[try user.requireID()] ?? []).sorted().joined(separator: ", "))
        }
        content.groups = try groups.rows.map { group in
            GroupRow(id: try group.requireID().uuidString, name: group.name, members: memberCounts[try group.requireID()] ?? 0)
        }
        content.search = filter.emailPrefix
        content.userPages = userList.links(users, export: "/console/directory/users/export.csv")
        content.previousGroups = groups.previous.map { groupsLink(req, page: $0) }
        content.nextGroups = groups.next.map { groupsLink(req, page: $0) }
        content.source = try await DirectorySourceController.section(req, organizationID: organizationID)
        return try await req.renderPage("directory", section: .directory, content)
    }

    /// The directory page with the groups' page set to `page`, the users' position and search kept.
    private static func groupsLink(_ req: Request, page: Int) -> String {
        var url = URLComponents()
        url.path = "/console/directory"
        url.queryItems = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { $0.name != "groups_page" }
            + [URLQueryItem(name: "groups_page", value: String(page))]
        return url.string?.replacingOccurrences(of: "+", with: "%2B") ?? "/console/directory"
    }

    /// `GET /console/directory/users/export.csv`: the (searched) users in full, as the import reads them.
    func exportUsers(_ req: Request) async throws -> Response {
        try DirectoryUserList(req).export(organizationID: try req.console.organizationID, for: req)
    }

    /// Runs a change; on a 4xx shows the directory page with the reason (and the input) instead of an error page.
    static func change(_ req: Request, keep model: ViewModel = ViewModel(), redirect: String = "/console/directory",
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

    func createUser(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(NewUser.self)
        return try await Self.change(req, keep: ViewModel(newName: form.name, newEmail: form.email)) {
            let user = try await DirectoryStore.createUser(name: form.name, email: form.email, enabled: true,
                                                           organizationID: context.organizationID, actor: context.actor, on: req.db)
            return "Added \(user.name) <\(user.email)>."
        }
    }

    /// `enable` or `disable` one user (`delete` has its confirmation step: `deleteUser`).
    func userAction(_ req: Request) async throws -> Response {
        switch req.parameters.get("action") {
        case "enable", "disable": return try await setEnabled(req)
        default: throw Abort(.notFound, reason: "action: must be enable, disable or delete")
        }
    }

    private func setEnabled(_ req: Request) async throws -> Response {
        let context = try req.console
        let enabled = req.parameters.get("action") == "enable"
        return try await Self.change(req) {
            let user = try await DirectoryStore.user(req.parameters.get("id", as: UUID.self), in: context.organizationID, on: req.db)
            try await DirectoryStore.updateUser(user, name: nil, enabled: enabled, actor: context.actor, on: req.db)
            return "\(user.email) is \(enabled ? "enabled" : "disabled")."
        }
    }

    func deleteUser(_ req: Request) async throws -> Response {
        let context = try req.console
        return try await Self.change(req) {
            let user = try await DirectoryStore.user(req.parameters.get("id", as: UUID.self), in: context.organizationID, on: req.db)
            try await DirectoryStore.deleteUser(user, actor: context.actor, on: req.db)
            return "Removed \(user.email) from the directory."
        }
    }

    struct ImportForm: Content {
        var csv: String?
        var file: File?
    }

    func importUsers(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(ImportForm.self)
        let pasted = form.csv ?? ""
        var data = Data(pasted.utf8)
        if let file = form.file, file.data.readableBytes > 0 { data = Data(buffer: file.data) }
        let job: DirectoryImportJob
        do {
            try await DirectorySettingsStore.refuseImport(organizationID: context.organizationID, on: req.db)
            let rows = try await DirectoryImport.validRows(data)
            job = req.herald.directoryImports.start(rows, organizationID: context.organizationID, actor: context.actor,
                                                    on: req.application.db, logger: req.application.logger)
        } catch let abort as any AbortError where abort.status.code < 500 {
            // A file with problems: the page again with every problem and the pasted text kept.
            return try await Self.change(req, keep: ViewModel(csv: pasted)) { throw abort }
        }
        return req.redirect(to: "/console/directory/import/\(job.id)")
    }

    struct ImportProgress: Encodable {
        let job: DirectoryImportJob
        let percent: Int
    }

    /// The progress of one import: rows done of the total while it runs (the page reloads itself every two
    /// seconds, no script), then what it added and updated, or why it stopped.
    func importProgress(_ req: Request) async throws -> Response {
        let organizationID = try req.console.organizationID
        guard let job = req.herald.directoryImports.job(req.parameters.get("id", as: UUID.self), organizationID: organizationID) else {
            throw Abort(.notFound, reason: "import: no such import in your organization (finished imports are shown for an hour)")
        }
        let percent = job.rowsTotal == 0 ? 100 : job.rowsDone * 100 / job.rowsTotal
        return try await req.renderRefreshingPage("directory-import", section: .directory, title: "Directory import",
                                                  every: job.state == .running ? 2 : nil, ImportProgress(job: job, percent: percent))
    }
}

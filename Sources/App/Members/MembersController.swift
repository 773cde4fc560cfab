import Fluent
import Vapor

/// Members of the current organization (name, email, role, status, joined, note) and what administrators
/// can do to them: promote or demote with a note, block, unblock, remove, grant license keys.
struct MembersController {
    struct Row: Encodable {
        let id: String
        let name: String
        let email: String
        let role: String
        let isAdministrator: Bool
        let status: String
        let joined: String
        let note: String?
        let isSelf: Bool
        /// Whether the person signs in with a second factor: what the organization's two-factor rule asks of administrators.
        let twoFactor: Bool
        let keys: [KeyChoice]
    }

    struct KeyChoice: Encodable {
        let id: String
        let name: String
        let granted: Bool
    }

    struct ViewModel: Encodable {
        let rows: [Row]
        let role: String
        let status: String
        let joined: CreatedRange
        let pages: ListLinks
    }

    /// Members per page: an organization of 100,000 people is shown them a page at a time.
    static let pageSize = 100

    func list(_ req: Request) async throws -> View {
        let context = try req.console
        let organizationID = context.organizationID
        let filter = try MemberList(req)
        let list = try ListRequest(req, defaultLimit: Self.pageSize)
        let shown = try await list.page(filter.query(organizationID: organizationID, on: req.db), MemberList.oldestFirst)
        let keys = try await LicenseKey.query(on: req.db).filter(\.$organization.$id == organizationID).sort(\.$name).all()
        // The grants of the members on this page only.
        let grants = try await LicenseKeyAdministrator.query(on: req.db).filter(\.$membership.$id ~~ shown.rows.compactMap(\.id)).all()
        let granted = Set(grants.map { "\($0.$membership.id):\($0.$licenseKey.id)" })
        let withTwoFactor = Set(try await TwoFactorCredential.query(on: req.db).filter(\.$account.$id ~~ shown.rows.map(\.$account.id))
            .all(\.$account.$id))
        let rows = try shown.rows.map { membership in
            Row(id: try membership.requireID().uuidString, name: membership.account.name, email: membership.account.email,
                role: membership.role.title, isAdministrator: membership.role == .administrator, status: membership.status.rawValue,
                joined: DisplayDate.format(membership.createdAt), note: membership.note, isSelf: membership.id == context.membership.id,
                twoFactor: withTwoFactor.contains(membership.$account.id),
                keys: try keys.map { KeyChoice(id: try $0.requireID().uuidString, name: $0.name, granted: granted.contains("\(try membership.requireID()):\(try $0.requireID())")) })
        }
        return try await req.renderPage("members", section: .members, ViewModel(
            rows: rows, role: filter.role?.rawValue ?? "", status: filter.status?.rawValue ?? "", joined: filter.joined,
            pages: list.links(shown, export: "/console/members/export.csv")))
    }

    /// `GET /console/members/export.csv`: the filtered list in full.
    func export(_ req: Request) async throws -> Response {
        try MemberList(req).export(organizationID: try req.console.organizationID, for: req)
    }

    struct ChangeForm: Content {
        var note: String?
    }

    /// `POST /console/members/:id/{promote,demote,block,unblock,remove}`.
    func change(_ change: MembershipChanges.Change) -> @Sendable (Request) async throws -> Response {
        { req in
            let context = try req.console
            guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.badRequest, reason: "id: is not a valid member id") }
            let form = try req.content.decode(ChangeForm.self)
            let membership = try await MembershipChanges(mailer: req.herald.mailer, organizationID: context.organizationID, actor: context.actor)
                .apply(change, to: id, note: form.note, on: req.db)
            req.herald.mailer.wakeDelivery()
            req.flash(req.herald.catalog.text("member.change.done.\(change.rawValue)", .en, ["email": membership.account.email]))
            return req.redirect(to: "/console/members")
        }
    }

    struct GrantForm: Content {
        var license_keys: [UUID]?
    }

    func grant(_ req: Request) async throws -> Response {
        let context = try req.console
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.badRequest, reason: "id: is not a valid member id") }
        let form = try req.content.decode(GrantForm.self)
        try await MembershipChanges(mailer: req.herald.mailer, organizationID: context.organizationID, actor: context.actor)
            .grantLicenseKeys(Set(form.license_keys ?? []), to: id, on: req.db)
        req.flash("License administrator rights saved.")
        return req.redirect(to: "/console/members")
    }

    /// Any member may leave (except the last administrator); their console session then has no organization.
    func leave(_ req: Request) async throws -> Response {
        let context = try req.console
        _ = try await MembershipChanges(mailer: req.herald.mailer, organizationID: context.organizationID, actor: context.actor)
            .apply(.leave, to: try context.membership.requireID(), on: req.db)
        req.session.data[Request.organizationSessionKey] = nil
        let remaining = context.organizations.filter { $0.id != context.organization.id }
        guard !remaining.isEmpty else {
            req.auth.logout(Account.self)
            req.session.destroy()
            return req.redirect(to: "/signin")
        }
        req.flash("You left \(context.organization.name).")
        return req.redirect(to: "/console")
    }
}

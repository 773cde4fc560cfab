import Fluent
import HeraldCore
import Vapor

/// Every invitation of the organization (filter by kind and status, search by email or name), and the
/// "Invite people to join" form with its per-row results.
struct InvitationsController {
    struct Row: Encodable {
        let id: String
        let email: String
        let name: String?
        let kind: InvitationKind
        /// The lifecycle status; for a client invitation its email's state (`ClientInvitationState`).
        let status: String
        let language: String
        let inviter: String
        let sent: String
        let expires: String
        let canResend: Bool
        let canRevoke: Bool
        /// The remote server's reason for a hard bounce.
        let bounceReason: String?
    }

    struct ViewModel: Encodable {
        let rows: [Row]
        let search: String
        let status: String
        let kind: String
        let created: CreatedRange
        let statuses: [InvitationStatus]
        let kinds: [InvitationKind]
        let languages: [[String: String]]
        /// The directory's groups, offered as invitation targets.
        let groups: [[String: String]]
        let results: [ResultRow]
        let errors: [String]
        let pages: ListLinks
    }

    /// Invitations per page: an organization that invited a million people is shown them a page at a time.
    static let pageSize = 100

    func list(_ req: Request) async throws -> View {
        try await Self.render(req, results: [], errors: [])
    }

    /// `GET /console/invitations/export.csv`: the filtered list in full.
    func export(_ req: Request) async throws -> Response {
        try InvitationList(req).export(organizationID: try req.console.organizationID, for: req)
    }

    static func render(_ req: Request, results: [JoinInvitations.RowResult], errors: [String]) async throws -> View {
        let organizationID = try req.console.organizationID
        let filter = try InvitationList(req)
        let now = Date()
        let list = try ListRequest(req, defaultLimit: pageSize)
        let shown = try await list.page(try filter.query(organizationID: organizationID, now: now, on: req.db), filter.ordering)
        let clientStates = try await ClientInvitationState.of(shown.rows.filter { $0.kind == .client }, on: req.db)
        let rows = try shown.rows.map { invitation in
            let stored = invitation.status
            let effective = InvitationLifecycle.effectiveStatus(stored: stored, expiresAt: invitation.expiresAt, now: now)
            // Join links and install codes can be sent again; any kind can be withdrawn while it is open.
            let resendable = invitation.kind != .client
            return Row(id: try invitation.requireID().uuidString, email: invitation.email, name: invitation.name, kind: invitation.kind,
                       status: clientStates[try invitation.requireID()]?.state.rawValue ?? effective.rawValue, language: invitation.language, inviter: invitation.inviter?.email ?? "—",
                       sent: DisplayDate.format(invitation.sentAt), expires: DisplayDate.expiry(invitation.expiresAt),
                       canResend: resendable && InvitationLifecycle.canResend(stored: stored, expiresAt: invitation.expiresAt, now: now),
                       canRevoke: InvitationLifecycle.canRevoke(stored: stored, expiresAt: invitation.expiresAt, now: now),
                       bounceReason: invitation.status == .bounced ? invitation.bounceReason : nil)
        }
        let model = ViewModel(rows: rows, search: filter.emailPrefix, status: filter.status?.rawValue ?? "", kind: filter.kind?.rawValue ?? "",
                              created: filter.created,
                              statuses: InvitationStatus.allCases, kinds: InvitationKind.allCases,
                              languages: Language.allCases.map { ["code": $0.rawValue, "name": $0.nativeName] },
                              groups: try await DirectoryStore.groups(of: organizationID, on: req.db)
                                .map { ["id": try $0.requireID().uuidString, "name": $0.name] },
                              results: results.map { ResultRow($0, catalog: req.herald.catalog) },
                              errors: errors.map { ProblemLine.humanized($0, catalog: req.herald.catalog) }, pages: list.links(shown, export: "/console/invitations/export.csv"))
        return try await req.renderPage("invitations", section: .invitations, model)
    }
}

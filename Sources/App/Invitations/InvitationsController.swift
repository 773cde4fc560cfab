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
        let status: InvitationStatus
        let language: String
        let inviter: String
        let sent: String
        let expires: String
        let canResend: Bool
        let canRevoke: Bool
    }

    struct ViewModel: Encodable {
        let rows: [Row]
        let search: String
        let status: String
        let kind: String
        let statuses: [InvitationStatus]
        let kinds: [InvitationKind]
        let languages: [[String: String]]
        let results: [JoinInvitations.RowResult]
        let errors: [String]
        /// Links to the neighbouring pages, keeping the search and filters.
        let previousPage: String?
        let nextPage: String?
    }

    /// Invitations per page: an organization that invited 100,000 people is shown them a page at a time.
    static let pageSize = 100

    func list(_ req: Request) async throws -> View {
        try await Self.render(req, results: [], errors: [])
    }

    /// The filter's value, nil when none was chosen (an empty parameter); anything else is a 400 naming the choices.
    static func choice<Choice: RawRepresentable<String> & CaseIterable>(_ text: String, field: String) throws -> Choice? {
        guard !text.isEmpty else { return nil }
        guard let choice = Choice(rawValue: text) else {
            throw Abort(.badRequest, reason: "\(field): must be one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }

    static func render(_ req: Request, results: [JoinInvitations.RowResult], errors: [String]) async throws -> View {
        let organizationID = try req.console.organizationID
        let search = try req.queryText("q").trimmingCharacters(in: .whitespaces)
        let status: InvitationStatus? = try choice(req.queryText("status"), field: "status")
        let kind: InvitationKind? = try choice(req.queryText("kind"), field: "kind")
        let now = Date()
        var query = Invitation.query(on: req.db).filter(\.$organization.$id == organizationID).with(\.$inviter)
        switch status {
        case .pending: query = query.filter(\.$status == .pending).filter(\.$expiresAt > now)
        // Expired is what a pending invitation becomes with time, whether or not the row says so yet.
        case .expired: query = query.group(.or) { $0.filter(\.$status == .expired).group(.and) { $0.filter(\.$status == .pending).filter(\.$expiresAt <= now) } }
        case nil: break
        case let other?: query = query.filter(\.$status == other)
        }
        if let kind { query = query.filter(\.$kind == kind) }
        if !search.isEmpty {
            query = query.group(.or) { $0.filter(\.$email ~~ search.lowercased()).filter(\.$name ~~ search) }
        }
        let page = try PageRequest(req, defaultSize: pageSize)
        let shown = try await page.slice { offset, limit in
            try await query.sort(\.$createdAt, .descending).sort(\.$id).range(offset..<(offset + limit)).all()
        }
        let rows = try shown.rows.map { invitation in
            let stored = invitation.status
            let effective = InvitationLifecycle.effectiveStatus(stored: stored, expiresAt: invitation.expiresAt, now: now)
            // Join links and install codes can be sent again; any kind can be withdrawn while it is open.
            let resendable = invitation.kind != .client
            return Row(id: try invitation.requireID().uuidString, email: invitation.email, name: invitation.name, kind: invitation.kind,
                       status: effective, language: invitation.language, inviter: invitation.inviter?.email ?? "—",
                       sent: DisplayDate.format(invitation.sentAt), expires: DisplayDate.format(invitation.expiresAt),
                       canResend: resendable && InvitationLifecycle.canResend(stored: stored, expiresAt: invitation.expiresAt, now: now),
                       canRevoke: InvitationLifecycle.canRevoke(stored: stored, expiresAt: invitation.expiresAt, now: now))
        }
        let model = ViewModel(rows: rows, search: search, status: status?.rawValue ?? "", kind: kind?.rawValue ?? "",
                              statuses: InvitationStatus.allCases, kinds: InvitationKind.allCases,
                              languages: Language.allCases.map { ["code": $0.rawValue, "name": $0.nativeName] },
                              results: results, errors: errors,
                              previousPage: shown.previous.map { link(page: $0, search: search, status: status, kind: kind) },
                              nextPage: shown.next.map { link(page: $0, search: search, status: status, kind: kind) })
        return try await req.renderPage("invitations", section: .invitations, model)
    }

    private static func link(page: Int, search: String, status: InvitationStatus?, kind: InvitationKind?) -> String {
        let fields = [("q", search), ("status", status?.rawValue ?? ""), ("kind", kind?.rawValue ?? "")].filter { !$0.1.isEmpty } + [("page", String(page))]
        return "/console/invitations?" + fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&")
    }
}

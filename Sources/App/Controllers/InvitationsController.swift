import Fluent
import Vapor

/// Every invitation of the organization, filterable by kind and status and searchable by email or name.
enum InvitationsController {
    struct Row: Encodable {
        let email: String
        let name: String?
        let kind: String
        let status: String
        let language: String
        let inviter: String
        let sent: String
        let expires: String
    }

    struct ViewModel: Encodable {
        let rows: [Row]
        let search: String
        let status: String
        let kind: String
        let statuses: [String]
        let kinds: [String]
    }

    static func list(_ req: Request) async throws -> View {
        let organizationID = try req.console.organization.id!
        let search = ((try? req.query.get(String.self, at: "q")) ?? "").trimmingCharacters(in: .whitespaces)
        let status = (try? req.query.get(String.self, at: "status")) ?? ""
        let kind = (try? req.query.get(String.self, at: "kind")) ?? ""
        var query = Invitation.query(on: req.db).filter(\.$organization.$id == organizationID).with(\.$inviter)
        if !status.isEmpty { query = query.filter(\.$status == status) }
        if !kind.isEmpty { query = query.filter(\.$kind == kind) }
        if !search.isEmpty {
            query = query.group(.or) { $0.filter(\.$email ~~ search.lowercased()).filter(\.$name ~~ search) }
        }
        let rows = try await query.sort(\.$createdAt, .descending).limit(500).all().map {
            Row(email: $0.email, name: $0.name, kind: $0.kind, status: $0.status, language: $0.language,
                inviter: $0.inviter?.email ?? "—", sent: DisplayDate.format($0.sentAt), expires: DisplayDate.format($0.expiresAt))
        }
        let content = ViewModel(rows: rows, search: search, status: status, kind: kind,
                              statuses: ["pending", "accepted", "expired", "revoked"], kinds: ["join", "install", "client"])
        return try await req.renderPage("invitations", section: .invitations, content)
    }
}

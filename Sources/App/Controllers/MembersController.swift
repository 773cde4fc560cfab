import Fluent
import Vapor

/// Members of the current organization: name, email, role, status, joined date.
enum MembersController {
    struct Row: Encodable {
        let name: String
        let email: String
        let role: String
        let status: String
        let joined: String
        let note: String?
    }

    static func list(_ req: Request) async throws -> View {
        let organizationID = try req.console.organization.id!
        let rows = try await Membership.query(on: req.db)
            .filter(\.$organization.$id == organizationID)
            .filter(\.$status ~~ [.active, .blocked])
            .with(\.$account)
            .sort(\.$createdAt)
            .all()
            .map { Row(name: $0.account.name, email: $0.account.email, role: $0.role.title,
                       status: $0.status.rawValue, joined: DisplayDate.format($0.createdAt), note: $0.note) }
        return try await req.renderPage("members", section: .members, ["rows": rows])
    }
}

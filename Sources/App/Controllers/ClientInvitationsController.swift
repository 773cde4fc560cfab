import Fluent
import Vapor

/// Remote-access client invitations sent so far (the Invite Users wizard builds on this page).
enum ClientInvitationsController {
    static func list(_ req: Request) async throws -> View {
        let organizationID = try req.console.organization.id!
        let rows = try await Invitation.query(on: req.db)
            .filter(\.$organization.$id == organizationID).filter(\.$kind == "client")
            .sort(\.$createdAt, .descending).limit(500).all()
            .map { ["email": $0.email, "status": $0.status, "sent": DisplayDate.format($0.sentAt)] }
        return try await req.renderPage("client-invitations", section: .clientInvitations, ["rows": rows])
    }
}

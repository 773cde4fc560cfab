import Fluent
import HeraldCore
import Vapor

/// One invitation's page in the console: what it is, and its history (`InvitationHistory`), oldest first.
struct InvitationHistoryController {
    struct Event: Encodable {
        let time: String
        let kind: String
        let detail: String
    }

    struct ViewModel: Encodable {
        let email: String
        let kind: String
        let status: String
        let language: String
        let expires: String
        let suppressed: Bool
        let events: [Event]
    }

    func show(_ req: Request) async throws -> View {
        let organizationID = try req.console.organizationID
        let id = try JoinInvitationsController.id(req)
        guard let invitation = try await Invitation.query(on: req.db).filter(\.$id == id)
            .filter(\.$organization.$id == organizationID).first()
        else { throw Abort(.notFound, reason: "invitation: not found in this organization") }
        let status = InvitationLifecycle.effectiveStatus(stored: invitation.status, expiresAt: invitation.expiresAt, now: Date())
        let suppressed = try await !Suppressions.suppressed(organizationID: organizationID, among: [invitation.email.lowercased()], on: req.db).isEmpty
        let events = try await InvitationHistory.events(invitationID: id, on: req.db).map {
            Event(time: DisplayDate.format($0.occurredAt), kind: $0.kind.rawValue, detail: $0.detail ?? "")
        }
        return try await req.renderPage("invitation", section: .invitations, title: "Invitation to \(invitation.email)", ViewModel(
            email: invitation.email, kind: invitation.kind.rawValue, status: status.rawValue, language: invitation.language,
            expires: DisplayDate.format(invitation.expiresAt), suppressed: suppressed, events: events))
    }
}

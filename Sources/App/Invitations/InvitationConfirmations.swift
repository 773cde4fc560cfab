import Fluent
import HeraldCore
import Vapor

/// What the confirmation step says before an invitation is revoked.
enum InvitationConfirmations {
    /// Names the invitation's address and what stops working; an invitation not in the organization is a 404.
    @Sendable static func describeRevoke(_ req: Request, _: [String: String]) async throws -> Confirmation {
        let context = try req.console
        guard let id = req.parameters.get("id", as: UUID.self),
              let invitation = try await Invitation.query(on: req.db).filter(\.$id == id)
                .filter(\.$organization.$id == context.organizationID).first()
        else { throw Abort(.notFound, reason: "invitation: not found in this organization") }
        let sent = invitation.sentAt.map { " on \(DisplayDate.format($0))" } ?? ""
        let stops: String
        switch invitation.kind {
        case .join: stops = "The link sent to \(invitation.email)\(sent) stops working at once: opening it says the invitation was withdrawn."
        case .install: stops = "The activation code sent to \(invitation.email)\(sent) stops working at once; no seat is taken by it."
        case .client: stops = "The invitation sent to \(invitation.email)\(sent) is marked revoked."
        }
        return Confirmation(
            question: "Revoke the invitation to \(invitation.email)?",
            consequences: [stops, "\(invitation.email) is not emailed about it.", "You can invite \(invitation.email) again later."],
            confirmLabel: "Revoke the invitation", cancelPath: "/console/invitations")
    }
}

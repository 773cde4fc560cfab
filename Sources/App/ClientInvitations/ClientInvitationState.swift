import Fluent
import Foundation
import HeraldCore

/// Where a remote-access client invitation stands. Nothing accepts a client invitation (the client is set up
/// from the email's links, outside Herald), so "pending" and "expired" meant nothing for it; what an administrator
/// can know is what happened to the email. The email carries no Herald link, so whether it was opened is unknown.
enum ClientInvitationState: String, Codable, Sendable, CaseIterable {
    /// The email waits for delivery, or for another try after a temporary failure.
    case queued
    /// The receiving mail server accepted the email.
    case sent
    /// Delivery failed for good; `detail` says why.
    case failed
    /// An administrator withdrew the invitation.
    case revoked
    /// A hard bounce came back for the email; `detail` is the remote server's reason.
    case bounced

    /// The console's words for it.
    var label: String {
        switch self {
        case .queued: "Queued"
        case .sent: "Delivered to the mail server"
        case .failed: "Failed"
        case .revoked: "Revoked"
        case .bounced: "Bounced"
        }
    }

    struct Known: Sendable, Equatable {
        let state: ClientInvitationState
        /// Why delivery failed, for `.failed`.
        let detail: String?
    }

    /// The state of each of `invitations` (client kind), from its email in the outbox: one indexed read for a page.
    static func of(_ invitations: [Invitation], on db: any Database) async throws -> [UUID: Known] {
        let ids = invitations.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let messages = try await OutboxMessage.query(on: db).filter(\.$invitation.$id ~~ ids)
            .field(\.$id).field(\.$invitation.$id).field(\.$status).field(\.$lastError).all()
        let byInvitation = Dictionary(messages.compactMap { message in message.$invitation.id.map { ($0, message) } }) { first, _ in first }
        var known: [UUID: Known] = [:]
        for invitation in invitations {
            guard let id = invitation.id else { continue }
            if invitation.status == .revoked {
                known[id] = Known(state: .revoked, detail: nil)
                continue
            }
            if invitation.status == .bounced {
                known[id] = Known(state: .bounced, detail: invitation.bounceReason)
                continue
            }
            switch byInvitation[id]?.status {
            case .sent?: known[id] = Known(state: .sent, detail: nil)
            case .failed?: known[id] = Known(state: .failed, detail: byInvitation[id]?.lastError)
            default: known[id] = Known(state: .queued, detail: nil)
            }
        }
        return known
    }
}

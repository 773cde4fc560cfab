import Fluent
import Foundation

/// A link a resend replaced: the hash of its token and the invitation it belonged to, so that opening the old link
/// says "a newer invitation was sent" in the invitation's language instead of "this link is not valid".
final class SupersededLink: Model, @unchecked Sendable {
    static let schema = "superseded_links"

    @ID(custom: "token_hash", generatedBy: .user) var id: String?

    @Parent(key: "invitation_id") var invitation: Invitation

    @Field(key: "superseded_at") var supersededAt: Date

    init() {}

    init(tokenHash: String, invitationID: UUID, supersededAt: Date) {
        self.id = tokenHash
        self.$invitation.id = invitationID
        self.supersededAt = supersededAt
    }
}

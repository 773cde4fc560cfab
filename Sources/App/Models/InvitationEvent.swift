import Fluent
import Foundation

/// What happened to an invitation, in the order it happened (`InvitationHistory`). The raw values are stored and
/// returned by the API: add, never rename.
enum InvitationEventKind: String, Codable, Sendable, CaseIterable {
    case queued, sent, deferred, failed, bounced, reminded, accepted, activated, revoked, expired
    /// The first time the invitation's page was opened (by the person, or by a mail scanner following the link).
    case opened
}

/// One line of an invitation's history. The id is a database sequence, so events written in one instant keep
/// the order they were written in.
final class InvitationEvent: Model, @unchecked Sendable {
    static let schema = "invitation_events"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Parent(key: "invitation_id") var invitation: Invitation
    @Field(key: "organization_id") var organizationID: UUID
    @Field(key: "kind") var kind: InvitationEventKind
    /// The server's reply, the bounce reason, the reminder step: one line, scrubbed.
    @OptionalField(key: "detail") var detail: String?
    @Field(key: "occurred_at") var occurredAt: Date

    init() {}
}

/// A reminder step taken for one invitation. Inserted before the reminder is queued, in the same transaction, and
/// unique per invitation and step: of several instances racing for the same step only one inserts it.
final class InvitationReminder: Model, @unchecked Sendable {
    static let schema = "invitation_reminders"

    @ID(key: .id) var id: UUID?
    @Parent(key: "invitation_id") var invitation: Invitation
    /// Days before expiry.
    @Field(key: "step") var step: Int
    @Field(key: "reminded_at") var remindedAt: Date

    init() {}
}

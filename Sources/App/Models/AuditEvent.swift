import Fluent
import Foundation

/// Who did what to what, and when. Written by `AuditLog.record` beside every state change.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?

    @OptionalParent(key: "organization_id") var organization: Organization?
    @OptionalParent(key: "actor_id") var actor: Account?

    /// The actor as shown at the time ("alice@example.com", "cli", "api token 'ci'"), kept even if the account goes.
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "action") var action: AuditAction
    @Field(key: "target_type") var targetType: String
    @OptionalField(key: "target_id") var targetID: String?
    @Field(key: "target_label") var targetLabel: String
    @OptionalField(key: "details") var details: String?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

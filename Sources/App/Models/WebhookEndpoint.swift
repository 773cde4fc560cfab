import Fluent
import Foundation

/// Where an organization wants its events posted (Standard Webhooks), with the secret that signs them.
final class WebhookEndpoint: Model, @unchecked Sendable {
    static let schema = "webhook_endpoints"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "url") var url: String
    @OptionalField(key: "description") var endpointDescription: String?
    /// Event types delivered, separated by spaces; empty: every type.
    @Field(key: "event_types") var eventTypes: String
    @Field(key: "enabled") var enabled: Bool
    /// `whsec_...`, sealed with the server's `SecretBox`: it is shown once, when created or rotated.
    @Field(key: "secret") var secret: String
    /// The secret before the last rotation, still signing until `previous_secret_until` so receivers can switch over.
    @OptionalField(key: "previous_secret") var previousSecret: String?
    @OptionalField(key: "previous_secret_until") var previousSecretUntil: Date?
    /// Failed attempts since the last success, and when that run began: a long run disables the endpoint.
    @Field(key: "failure_streak") var failureStreak: Int
    @OptionalField(key: "failing_since") var failingSince: Date?
    /// Why Herald switched it off (`nil` when an administrator did, or it is on).
    @OptionalField(key: "disabled_reason") var disabledReason: String?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var filter: Set<WebhookEventType> {
        get { Set(eventTypes.split(separator: " ").compactMap { WebhookEventType(rawValue: String($0)) }) }
        set { eventTypes = newValue.map(\.rawValue).sorted().joined(separator: " ") }
    }

    func accepts(_ type: WebhookEventType) -> Bool {
        type == .test || eventTypes.isEmpty || filter.contains(type)
    }
}

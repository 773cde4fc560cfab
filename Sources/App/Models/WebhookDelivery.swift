import Fluent
import Foundation

/// Where a webhook delivery is in its life. Stored as text in `webhook_deliveries.status`.
enum WebhookDeliveryStatus: String, Codable, Sendable, CaseIterable {
    case queued
    /// Claimed by a worker under a lease; claimed again if the lease runs out (the worker died).
    case sending
    case delivered
    /// The last attempt failed; tried again at `next_attempt_at`.
    case deferred
    /// Failed past the retry horizon.
    case failed
}

/// One event for one endpoint: the outbox row a worker posts, and afterwards the endpoint's delivery log entry.
/// One row per (endpoint, event): retries and "redeliver" reuse it, so an event reaches an endpoint twice only when
/// an attempt was not acknowledged.
final class WebhookDelivery: Model, @unchecked Sendable {
    static let schema = "webhook_deliveries"

    @ID(key: .id) var id: UUID?
    @Parent(key: "endpoint_id") var endpoint: WebhookEndpoint
    @Field(key: "organization_id") var organizationID: UUID
    /// The `webhook-id` header: the same on every attempt, so receivers can drop repeats.
    @Field(key: "event_id") var eventID: String
    @Field(key: "event_type") var eventType: String
    /// The JSON body exactly as signed and sent.
    @Field(key: "payload") var payload: String
    @Enum(key: "status") var status: WebhookDeliveryStatus
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "lease_expires_at") var leaseExpiresAt: Date?
    @OptionalField(key: "leased_by") var leasedBy: String?
    /// The last attempt: HTTP status (nil when no answer), time to answer, start of the answer's body, or the error.
    @OptionalField(key: "response_status") var responseStatus: Int?
    @OptionalField(key: "latency_ms") var latencyMilliseconds: Int?
    @OptionalField(key: "response_excerpt") var responseExcerpt: String?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "delivered_at") var deliveredAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

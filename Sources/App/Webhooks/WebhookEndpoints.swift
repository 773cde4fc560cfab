import Fluent
import Foundation
import HeraldCore
import SQLKit
import Vapor

/// Managing an organization's webhook endpoints, shared by the console, the API and `herald webhooks`. Every change
/// is audited in its transaction; secrets are stored sealed and returned only by `create` and `rotateSecret`.
struct WebhookEndpoints {
    let organizationID: UUID
    let actor: AuditActor
    let secretBox: SecretBox
    let settings: WebhookSettings

    /// Endpoints per organization at most: each change of the organization looks them all up.
    static let maximumPerOrganization = 20
    /// The longest overlap a rotation may ask for: both secrets sign until then.
    static let maximumOverlap: TimeInterval = 7 * 24 * 60 * 60

    var policy: WebhookAddressPolicy { WebhookAddressPolicy(allowPrivateAddresses: settings.allowPrivateAddresses) }

    struct WithSecret {
        let endpoint: WebhookEndpoint
        /// `whsec_...`: shown this once.
        let secret: String
    }

    func list(on db: any Database) async throws -> [WebhookEndpoint] {
        try await WebhookEndpoint.query(on: db).filter(\.$organization.$id == organizationID).sort(\.$createdAt).all()
    }

    func find(_ id: UUID, on db: any Database) async throws -> WebhookEndpoint {
        guard let endpoint = try await WebhookEndpoint.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID).first()
        else { throw Abort(.notFound, reason: "endpoint: not found in this organization") }
        return endpoint
    }

    func create(_ input: WebhookEndpointInput, on db: any Database) async throws -> WithSecret {
        try check(input, creating: true)
        return try await db.transaction { db in
            guard try await WebhookEndpoint.query(on: db).filter(\.$organization.$id == organizationID).count() < Self.maximumPerOrganization else {
                throw Abort(.conflict, reason: "endpoint: an organization may have at most \(Self.maximumPerOrganization) endpoints")
            }
            let secret = WebhookSignature.newSecret()
            let endpoint = WebhookEndpoint()
            endpoint.$organization.id = organizationID
            endpoint.url = input.url?.trimmingCharacters(in: .whitespaces) ?? ""
            endpoint.endpointDescription = input.description.flatMap { $0.isEmpty ? nil : $0 }
            endpoint.filter = input.filter ?? []
            endpoint.enabled = input.enabled ?? true
            endpoint.secret = try secretBox.seal(secret)
            endpoint.failureStreak = 0
            try await endpoint.create(on: db)
            try await audit(.webhookEndpointCreated, endpoint, details: Self.describe(endpoint), on: db)
            return WithSecret(endpoint: endpoint, secret: secret)
        }
    }

    func update(_ id: UUID, _ input: WebhookEndpointInput, on db: any Database) async throws -> WebhookEndpoint {
        try check(input, creating: false)
        return try await db.transaction { db in
            let endpoint = try await find(id, on: db)
            if let url = input.url { endpoint.url = url.trimmingCharacters(in: .whitespaces) }
            if let description = input.description { endpoint.endpointDescription = description.isEmpty ? nil : description }
            if let filter = input.filter { endpoint.filter = filter }
            if let enabled = input.enabled, enabled != endpoint.enabled {
                endpoint.enabled = enabled
                // Switched back on by a person: the run of failures starts again from nothing.
                if enabled { endpoint.failureStreak = 0; endpoint.failingSince = nil; endpoint.disabledReason = nil }
            }
            guard endpoint.hasChanges else { return endpoint }
            try await endpoint.save(on: db)
            try await audit(.webhookEndpointChanged, endpoint, details: Self.describe(endpoint), on: db)
            return endpoint
        }
    }

    func delete(_ id: UUID, on db: any Database) async throws {
        try await db.transaction { db in
            let endpoint = try await find(id, on: db)
            try await WebhookDelivery.query(on: db).filter(\.$endpoint.$id == id).delete()
            try await endpoint.delete(on: db)
            try await audit(.webhookEndpointDeleted, endpoint, details: nil, on: db)
        }
    }

    /// A new secret; the old one keeps signing for `overlap` seconds (0: stops at once).
    func rotateSecret(_ id: UUID, overlap: TimeInterval?, on db: any Database, now: Date = Date()) async throws -> WithSecret {
        let overlap = overlap ?? settings.rotationOverlap
        guard overlap >= 0, overlap <= Self.maximumOverlap else {
            throw Abort(.badRequest, reason: "overlapSeconds: must be between 0 and \(Int(Self.maximumOverlap))")
        }
        return try await db.transaction { db in
            let endpoint = try await find(id, on: db)
            let secret = WebhookSignature.newSecret()
            endpoint.previousSecret = overlap > 0 ? endpoint.secret : nil
            endpoint.previousSecretUntil = overlap > 0 ? now.addingTimeInterval(overlap) : nil
            endpoint.secret = try secretBox.seal(secret)
            try await endpoint.save(on: db)
            try await audit(.webhookSecretRotated, endpoint, details: "previous secret signs for \(Int(overlap)) s", on: db)
            return WithSecret(endpoint: endpoint, secret: secret)
        }
    }

    /// Queues a `webhook.test` event for the endpoint, whatever its filter.
    func sendTest(_ id: UUID, on db: any Database) async throws -> WebhookDelivery {
        try await db.transaction { db in
            let endpoint = try await find(id, on: db)
            guard endpoint.enabled else { throw Abort(.conflict, reason: "endpoint: is disabled; enable it before sending a test event") }
            struct TestData: Encodable, Sendable { let endpointId: UUID; let message: String }
            let event = try WebhookEvent(.test, data: TestData(endpointId: try endpoint.requireID(), message: "Test event sent from Herald"))
            let delivery = try await WebhookEvents.queue(event, eventID: WebhookEvents.newEventID(), to: endpoint, on: db)
            try await audit(.webhookTestSent, endpoint, details: nil, on: db)
            return delivery
        }
    }

    /// Queues a delivery again with its event id, body and type unchanged (receivers see the same `webhook-id`).
    /// Refused while it is being posted: two copies in flight at once is exactly what the outbox prevents.
    func redeliver(endpointID: UUID, deliveryID: UUID, on db: any Database, now: Date = Date()) async throws -> WebhookDelivery {
        try await db.transaction { db in
            let endpoint = try await find(endpointID, on: db)
            guard let delivery = try await WebhookDelivery.query(on: db).filter(\.$id == deliveryID).filter(\.$endpoint.$id == endpointID).first()
            else { throw Abort(.notFound, reason: "delivery: not found for this endpoint") }
            let rows = try await db.sql.raw("""
                UPDATE webhook_deliveries SET status = 'queued', next_attempt_at = \(bind: now), attempts = 0, leased_by = NULL,
                    lease_expires_at = NULL, created_at = \(bind: now), updated_at = \(bind: now)
                WHERE id = \(bind: deliveryID) AND status <> 'sending' RETURNING id
                """).all()
            guard !rows.isEmpty else { throw Abort(.conflict, reason: "delivery: is being sent right now; try again when it has settled") }
            try await audit(.webhookRedelivered, endpoint, details: "\(delivery.eventType) \(delivery.eventID)", on: db)
            guard let reloaded = try await WebhookDelivery.find(deliveryID, on: db) else { throw Abort(.notFound, reason: "delivery: not found for this endpoint") }
            return reloaded
        }
    }

    private func check(_ input: WebhookEndpointInput, creating: Bool) throws {
        let problems = input.problems(policy: policy, creating: creating)
        guard problems.isEmpty else { throw Abort(.unprocessableEntity, reason: problems.joined(separator: "; ")) }
    }

    private func audit(_ action: AuditAction, _ endpoint: WebhookEndpoint, details: String?, on db: any Database) async throws {
        try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: action, targetType: "webhook_endpoint",
                                  targetID: endpoint.id, targetLabel: endpoint.url, details: details)
    }

    static func describe(_ endpoint: WebhookEndpoint) -> String {
        "events: \(endpoint.eventTypes.isEmpty ? "all" : endpoint.eventTypes), \(endpoint.enabled ? "enabled" : "disabled")"
    }
}

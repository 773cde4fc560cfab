import Fluent
import Foundation
import HeraldCore

/// An event as receivers get it: `{"type": ..., "timestamp": ..., "data": {...}}` (the Standard Webhooks shape).
struct WebhookEvent: Sendable {
    let type: WebhookEventType
    /// The JSON body, exactly as signed.
    let body: String

    init(_ type: WebhookEventType, data: some Encodable & Sendable, at time: Date = Date()) throws {
        self.type = type
        self.body = String(decoding: try Self.encoder.encode(WebhookEnvelope(type: type, timestamp: time, data: data)), as: UTF8.self)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

private struct WebhookEnvelope<Payload: Encodable>: Encodable {
    let type: WebhookEventType
    let timestamp: Date
    let data: Payload
}

/// Queues webhook deliveries. Call it on the transaction that makes the change the event is about, so an event is
/// queued exactly when its change is committed (the outbox pattern, as `Outbox` does for mail).
enum WebhookEvents {
    /// The organization's enabled endpoints, looked up once for a change that emits many events (a slice of invitations).
    static func listeners(organizationID: UUID, on db: any Database) async throws -> WebhookListeners {
        WebhookListeners(endpoints: try await WebhookEndpoint.query(on: db).filter(\.$organization.$id == organizationID)
            .filter(\.$enabled == true).all())
    }

    /// Queues the event for every enabled endpoint of the organization whose filter accepts the type.
    static func emit<Data: Encodable & Sendable>(
        _ type: WebhookEventType, organizationID: UUID, on db: any Database, now: Date = Date(), data: () throws -> Data
    ) async throws {
        try await listeners(organizationID: organizationID, on: db).emit(type, on: db, now: now, data: data)
    }

    /// `invitation.created` for each of a batch's invitations, in the batch's transaction.
    static func emitCreated(_ invitations: [Invitation], organizationID: UUID, on db: any Database, now: Date) async throws {
        try await emit(.invitationCreated, eachOf: invitations, organizationID: organizationID, on: db, now: now)
    }

    /// One `type` event per invitation, their endpoints read once; `status` overrides the stored one (an expired
    /// invitation is stored as pending: expiry is derived).
    static func emit(_ type: WebhookEventType, eachOf invitations: [Invitation], organizationID: UUID, status: InvitationStatus? = nil,
                     on db: any Database, now: Date) async throws {
        let listeners = try await listeners(organizationID: organizationID, on: db)
        guard listeners.endpoints.contains(where: { $0.accepts(type) }) else { return }
        for invitation in invitations {
            try await listeners.emit(type, on: db, now: now) { WebhookPayload.Invitation(invitation, status: status) }
        }
    }

    static func newEventID(now: Date = Date()) -> String {
        "msg_" + UUID.timeOrdered(now: now).uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }

    @discardableResult
    static func queue(_ event: WebhookEvent, eventID: String, to endpoint: WebhookEndpoint, on db: any Database, now: Date = Date()) async throws -> WebhookDelivery {
        let delivery = WebhookDelivery()
        delivery.id = UUID.timeOrdered(now: now)
        delivery.$endpoint.id = try endpoint.requireID()
        delivery.organizationID = endpoint.$organization.id
        delivery.eventID = eventID
        delivery.eventType = event.type.rawValue
        delivery.payload = event.body
        delivery.status = .queued
        delivery.attempts = 0
        delivery.nextAttemptAt = now
        try await delivery.create(on: db)
        return delivery
    }
}

/// An organization's enabled endpoints at the time of a change.
/// Each organization's listeners looked up once for a change that emits several event types (recording a slice of
/// deliveries emits `invitation.sent` and `invitation.delivered`). Used within one transaction, so it never goes stale.
final class WebhookListenerLookup {
    private var byOrganization: [UUID: WebhookListeners] = [:]

    func listeners(_ organizationID: UUID, on db: any Database) async throws -> WebhookListeners {
        if let known = byOrganization[organizationID] { return known }
        let listeners = try await WebhookEvents.listeners(organizationID: organizationID, on: db)
        byOrganization[organizationID] = listeners
        return listeners
    }
}

struct WebhookListeners {
    let endpoints: [WebhookEndpoint]

    /// One delivery row per endpoint whose filter accepts the type; the payload is built only when one does, so
    /// changes in organizations without webhooks cost the one indexed lookup.
    func emit<Data: Encodable & Sendable>(_ type: WebhookEventType, on db: any Database, now: Date = Date(), data: () throws -> Data) async throws {
        let accepting = endpoints.filter { $0.accepts(type) }
        guard !accepting.isEmpty else { return }
        let event = try WebhookEvent(type, data: try data(), at: now)
        let eventID = WebhookEvents.newEventID(now: now)
        for endpoint in accepting {
            try await WebhookEvents.queue(event, eventID: eventID, to: endpoint, on: db, now: now)
        }
    }
}

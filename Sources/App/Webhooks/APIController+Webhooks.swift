import Fluent
import Vapor

/// `/api/v1/webhooks/...`: endpoints, their secrets, test events, the delivery log and redelivery.
extension APIController {
    struct WebhookEndpointDTO: Content {
        let id: UUID
        let url: String
        let description: String?
        /// Empty: every event type.
        let eventTypes: [String]
        let enabled: Bool
        /// Why Herald switched the endpoint off, when it did.
        let disabledReason: String?
        let failureStreak: Int
        /// Until when the secret before the last rotation still signs.
        let previousSecretUntil: Date?
        let createdAt: Date?
        /// Present only in the responses that create the endpoint or rotate its secret.
        let secret: String?
    }

    struct WebhookDeliveryDTO: Content {
        let id: UUID
        let eventId: String
        let eventType: String
        let status: WebhookDeliveryStatus
        let attempts: Int
        let nextAttemptAt: Date?
        let responseStatus: Int?
        let latencyMs: Int?
        let responseExcerpt: String?
        let error: String?
        let deliveredAt: Date?
        let createdAt: Date?
        let payload: String
    }

    struct RotateSecretRequest: Content {
        var overlapSeconds: WholeNumber<RotationOverlapSeconds>?
    }

    private func webhookEndpoints(_ req: Request) throws -> WebhookEndpoints {
        let context = try req.api
        return req.herald.webhookEndpoints(organizationID: context.organizationID, actor: context.actor)
    }

    private func endpointID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.notFound, reason: "endpoint: not found in this organization") }
        return id
    }

    func webhookEventTypes(_ req: Request) async throws -> [String] {
        _ = try req.api
        return WebhookEventType.allCases.map(\.rawValue)
    }

    func webhookEndpointList(_ req: Request) async throws -> [WebhookEndpointDTO] {
        try await webhookEndpoints(req).list(on: req.db).map { try Self.dto($0) }
    }

    func webhookEndpoint(_ req: Request) async throws -> WebhookEndpointDTO {
        try Self.dto(await webhookEndpoints(req).find(endpointID(req), on: req.db))
    }

    func createWebhookEndpoint(_ req: Request) async throws -> Response {
        let input = try req.content.decode(WebhookEndpointInput.self)
        let created = try await webhookEndpoints(req).create(input, on: req.db)
        return try await Self.dto(created.endpoint, secret: created.secret).encodeResponse(status: .created, for: req)
    }

    func updateWebhookEndpoint(_ req: Request) async throws -> WebhookEndpointDTO {
        let id = try endpointID(req)
        let input = try req.content.decode(WebhookEndpointInput.self)
        return try Self.dto(await webhookEndpoints(req).update(id, input, on: req.db))
    }

    func deleteWebhookEndpoint(_ req: Request) async throws -> HTTPStatus {
        try await webhookEndpoints(req).delete(endpointID(req), on: req.db)
        return .noContent
    }

    func rotateWebhookSecret(_ req: Request) async throws -> WebhookEndpointDTO {
        let id = try endpointID(req)
        let body = req.body.data == nil ? RotateSecretRequest() : try req.content.decode(RotateSecretRequest.self)
        let rotated = try await webhookEndpoints(req).rotateSecret(id, overlap: body.overlapSeconds.map { TimeInterval($0.value) }, on: req.db)
        return try Self.dto(rotated.endpoint, secret: rotated.secret)
    }

    func sendWebhookTest(_ req: Request) async throws -> Response {
        let delivery = try await webhookEndpoints(req).sendTest(endpointID(req), on: req.db)
        return try await Self.dto(delivery).encodeResponse(status: .accepted, for: req)
    }

    /// The endpoint's deliveries, newest first (`?limit=` up to 200, default 50; `?status=` filters).
    func webhookDeliveries(_ req: Request) async throws -> [WebhookDeliveryDTO] {
        let endpoint = try await webhookEndpoints(req).find(endpointID(req), on: req.db)
        let limit = try req.query(WholeNumber<WebhookLogLimit>.self, "limit")?.value ?? 50
        var query = WebhookDelivery.query(on: req.db).filter(\.$endpoint.$id == (try endpoint.requireID()))
        if case let raw = try req.queryText("status", maximumLength: 20), !raw.isEmpty {
            guard let status = WebhookDeliveryStatus(rawValue: raw) else {
                throw Abort(.badRequest, reason: "status: must be one of \(WebhookDeliveryStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query = query.filter(\.$status == status)
        }
        return try await query.sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(limit).all().map { try Self.dto($0) }
    }

    func redeliverWebhook(_ req: Request) async throws -> Response {
        guard let deliveryID = req.parameters.get("deliveryID", as: UUID.self) else {
            throw Abort(.notFound, reason: "delivery: not found for this endpoint")
        }
        let delivery = try await webhookEndpoints(req).redeliver(endpointID: endpointID(req), deliveryID: deliveryID, on: req.db)
        return try await Self.dto(delivery).encodeResponse(status: .accepted, for: req)
    }

    static func dto(_ endpoint: WebhookEndpoint, secret: String? = nil) throws -> WebhookEndpointDTO {
        WebhookEndpointDTO(
            id: try endpoint.requireID(), url: endpoint.url, description: endpoint.endpointDescription,
            eventTypes: endpoint.filter.map(\.rawValue).sorted(), enabled: endpoint.enabled, disabledReason: endpoint.disabledReason,
            failureStreak: endpoint.failureStreak,
            previousSecretUntil: endpoint.previousSecretUntil.flatMap { $0 > Date() ? $0 : nil }, createdAt: endpoint.createdAt, secret: secret
        )
    }

    static func dto(_ delivery: WebhookDelivery) throws -> WebhookDeliveryDTO {
        WebhookDeliveryDTO(
            id: try delivery.requireID(), eventId: delivery.eventID, eventType: delivery.eventType, status: delivery.status,
            attempts: delivery.attempts, nextAttemptAt: [.queued, .deferred].contains(delivery.status) ? delivery.nextAttemptAt : nil,
            responseStatus: delivery.responseStatus, latencyMs: delivery.latencyMilliseconds, responseExcerpt: delivery.responseExcerpt,
            error: delivery.lastError, deliveredAt: delivery.deliveredAt, createdAt: delivery.createdAt, payload: delivery.payload
        )
    }
}

enum WebhookLogLimit: WholeNumberRange {
    static let range = 1...200
}

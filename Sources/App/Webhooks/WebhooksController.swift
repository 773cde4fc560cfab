import Fluent
import Vapor

/// The console's Webhooks page: endpoints, a new secret shown once, test events, rotation, switching on and off, and
/// each endpoint's delivery log with redelivery. Everything goes through `WebhookEndpoints`, as the API and CLI do.
struct WebhooksController {
    struct EndpointRow: Encodable {
        let id: String
        let url: String
        let description: String
        let events: String
        let enabled: Bool
        let state: String
    }

    struct ListModel: Encodable {
        let rows: [EndpointRow]
        let newSecret: String?
        let eventTypes: [EventOption]
        /// The language of the event labels.
        let language: String
    }

    struct DeliveryRow: Encodable {
        let id: String
        let eventType: String
        let eventID: String
        let status: String
        let attempts: Int
        let responseStatus: String
        let latency: String
        let excerpt: String
        let created: String
    }

    struct LogModel: Encodable {
        let endpoint: EndpointRow
        let rows: [DeliveryRow]
    }

    func endpoints(_ req: Request) throws -> WebhookEndpoints {
        let context = try req.console
        return req.herald.webhookEndpoints(organizationID: context.organizationID, actor: context.actor)
    }

    func id(_ req: Request, _ name: String = "id") throws -> UUID {
        guard let id = req.parameters.get(name, as: UUID.self) else { throw Abort(.notFound, reason: "endpoint: not found in this organization") }
        return id
    }

    static func row(_ endpoint: WebhookEndpoint) throws -> EndpointRow {
        EndpointRow(id: try endpoint.requireID().uuidString, url: endpoint.url, description: endpoint.endpointDescription ?? "",
                    events: endpoint.eventTypes.isEmpty ? "all events" : endpoint.eventTypes.replacingOccurrences(of: " ", with: ", "),
                    enabled: endpoint.enabled,
                    state: endpoint.enabled ? "on" : "off" + (endpoint.disabledReason.map { " (\($0))" } ?? ""))
    }

    func list(_ req: Request) async throws -> View {
        let newSecret = req.session.data["new_webhook_secret"]
        req.session.data["new_webhook_secret"] = nil
        let rows = try await endpoints(req).list(on: req.db).map(Self.row)
        let language = try Self.language(req)
        let types = Self.eventOptions(req, language: language, checked: [])
        return try await req.renderPage("webhooks", section: .webhooks, ListModel(rows: rows, newSecret: newSecret, eventTypes: types, language: language.rawValue))
    }

    struct CreateForm: Content {
        var url: String
        var description: String?
        var events: [String]?
    }

    func create(_ req: Request) async throws -> Response {
        let form = try req.content.decode(CreateForm.self)
        let created = try await endpoints(req).create(
            WebhookEndpointInput(url: form.url, description: form.description, eventTypes: form.events ?? [], enabled: true), on: req.db)
        req.session.data["new_webhook_secret"] = created.secret
        req.flash("Endpoint added. Copy its signing secret now: it will not be shown again.")
        return req.redirect(to: "/console/webhooks")
    }

    func rotate(_ req: Request) async throws -> Response {
        let rotated = try await endpoints(req).rotateSecret(try id(req), overlap: nil, on: req.db)
        req.session.data["new_webhook_secret"] = rotated.secret
        req.flash("New secret made for \(rotated.endpoint.url); the previous one also signs for the next 24 hours. Copy it now: it will not be shown again.")
        return req.redirect(to: "/console/webhooks")
    }

    func toggle(_ req: Request) async throws -> Response {
        let store = try endpoints(req)
        let endpoint = try await store.find(try id(req), on: req.db)
        let changed = try await store.update(try endpoint.requireID(), WebhookEndpointInput(enabled: !endpoint.enabled), on: req.db)
        req.flash("\(changed.url) switched \(changed.enabled ? "on" : "off").")
        return req.redirect(to: "/console/webhooks")
    }

    /// The step before deleting: what stops, and that the log goes too.
    func describeDelete(_ req: Request, _: [String: String]) async throws -> Confirmation {
        let endpoint = try await endpoints(req).find(try id(req), on: req.db)
        return Confirmation(
            question: "Delete the webhook endpoint \(endpoint.url)?",
            consequences: ["Herald stops posting events to it at once, including deliveries waiting for a retry.",
                           "Its delivery log is deleted with it. This cannot be undone; to pause it instead, switch it off."],
            confirmLabel: "Delete endpoint", cancelPath: "/console/webhooks")
    }

    func delete(_ req: Request) async throws -> Response {
        let store = try endpoints(req)
        let endpoint = try await store.find(try id(req), on: req.db)
        try await store.delete(try endpoint.requireID(), on: req.db)
        req.flash("Endpoint \(endpoint.url) deleted.")
        return req.redirect(to: "/console/webhooks")
    }

    func sendTest(_ req: Request) async throws -> Response {
        let endpointID = try id(req)
        _ = try await endpoints(req).sendTest(endpointID, on: req.db)
        req.flash("Test event queued.")
        return req.redirect(to: "/console/webhooks/\(endpointID.uuidString)")
    }

    func log(_ req: Request) async throws -> View {
        let endpoint = try await endpoints(req).find(try id(req), on: req.db)
        let deliveries = try await WebhookDelivery.query(on: req.db).filter(\.$endpoint.$id == (try endpoint.requireID()))
            .sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(100).all()
        let rows = try deliveries.map { delivery in
            DeliveryRow(id: try delivery.requireID().uuidString, eventType: delivery.eventType, eventID: delivery.eventID,
                        status: delivery.status.rawValue, attempts: delivery.attempts,
                        responseStatus: delivery.responseStatus.map(String.init) ?? (delivery.lastError ?? "—"),
                        latency: delivery.latencyMilliseconds.map { "\($0) ms" } ?? "—", excerpt: delivery.responseExcerpt ?? "",
                        created: DisplayDate.format(delivery.createdAt))
        }
        return try await req.renderPage("webhook-log", section: .webhooks, title: "Deliveries to \(endpoint.url)",
                                        LogModel(endpoint: try Self.row(endpoint), rows: rows))
    }

    func redeliver(_ req: Request) async throws -> Response {
        let endpointID = try id(req)
        _ = try await endpoints(req).redeliver(endpointID: endpointID, deliveryID: try id(req, "deliveryID"), on: req.db)
        req.flash("Delivery queued again.")
        return req.redirect(to: "/console/webhooks/\(endpointID.uuidString)")
    }
}

import Fluent
import Vapor

/// The console's form to change an endpoint: URL, description, switch and event filter, as `PATCH` does in the API.
/// A new URL sends the organization's events elsewhere, so it waits for a recent password or code like a new secret;
/// the other fields do not. Refusals name their field in the person's language (`WebhookInputProblem`).
extension WebhooksController {
    struct EventOption: Encodable {
        let value: String
        let label: String
        let checked: Bool
    }

    struct EditModel: Encodable {
        let id: String
        let url: String
        let description: String
        let enabled: Bool
        let eventTypes: [EventOption]
        let problems: [String]
        let urlRefused: Bool
        let descriptionRefused: Bool
        let language: String
    }

    /// A browser sends a checkbox only when it is ticked: no `enabled` is off, no `events` is every event.
    struct EditForm: Content {
        var url: String
        var description: String?
        var enabled: String?
        var events: [String]?

        var input: WebhookEndpointInput {
            WebhookEndpointInput(url: url, description: description ?? "", eventTypes: events ?? [], enabled: enabled != nil)
        }
    }

    /// Every event type a filter may name, labelled in `language`, the type name beside it for integrators.
    static func eventOptions(_ req: Request, language: Language, checked: Set<String>) -> [EventOption] {
        WebhookEventType.allCases.filter { $0 != .test }.map { type in
            EventOption(value: type.rawValue, label: req.herald.catalog.text("webhook.event.\(type.rawValue)", language),
                        checked: checked.contains(type.rawValue))
        }
    }

    static func language(_ req: Request) throws -> Language {
        TwoFactorTexts.language(req, account: try req.console.account)
    }

    func edit(_ req: Request) async throws -> View {
        let endpoint = try await endpoints(req).find(try id(req), on: req.db)
        let form = EditForm(url: endpoint.url, description: endpoint.endpointDescription, enabled: endpoint.enabled ? "on" : nil,
                            events: endpoint.filter.map(\.rawValue))
        return try await renderEdit(req, endpoint, form, problems: [])
    }

    func saveEdit(_ req: Request) async throws -> Response {
        let store = try endpoints(req)
        let endpoint = try await store.find(try id(req), on: req.db)
        let form = try req.content.decode(EditForm.self)
        if form.url.trimmingCharacters(in: .whitespaces) != endpoint.url, !RecentAuthentication.isRecent(req) {
            return try await RecentAuthentication.challenge(req)
        }
        let problems = form.input.refusals(policy: store.policy, creating: false)
        guard problems.isEmpty else {
            let response = try await renderEdit(req, endpoint, form, problems: problems).encodeResponse(for: req)
            response.status = .unprocessableEntity
            return response
        }
        let changed = try await store.update(try endpoint.requireID(), form.input, on: req.db)
        req.flash("Endpoint \(changed.url) saved.")
        return req.redirect(to: "/console/webhooks")
    }

    /// The form as typed (or as stored), with the problems in the person's language.
    private func renderEdit(_ req: Request, _ endpoint: WebhookEndpoint, _ form: EditForm, problems: [WebhookInputProblem]) async throws -> View {
        let language = try Self.language(req)
        let model = EditModel(
            id: try endpoint.requireID().uuidString, url: form.url, description: form.description ?? "", enabled: form.enabled != nil,
            eventTypes: Self.eventOptions(req, language: language, checked: Set(form.events ?? [])),
            problems: problems.map { $0.localized(req.herald.catalog, language) },
            urlRefused: problems.contains { $0.field == "url" }, descriptionRefused: problems.contains { $0.field == "description" },
            language: language.rawValue)
        return try await req.renderPage("webhook-edit", section: .webhooks, title: "Edit \(endpoint.url)", model)
    }
}

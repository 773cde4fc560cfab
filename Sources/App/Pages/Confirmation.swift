import Vapor

/// The step every destructive console action goes through before it acts.
///
/// The action's button in a list is a link (GET) to this step; the step names who or what is affected and what
/// follows (who is emailed, what is freed, whether it can be undone), and its form POSTs to the same path with
/// `confirm=yes`. A POST without that field (a one-click form of old, a bookmarked or replayed request) changes
/// nothing and answers with the step. No JavaScript is needed. A confirmed action the server refuses (the last
/// administrator, a state that changed meanwhile) shows the step again with the reason, inside the console.
///
/// Register with `RoutesBuilder.confirmed(_:section:describe:perform:)`; `describe` loads what it names (and throws
/// the same 404 as the action for something that is not there), `perform` is the action's handler as before.
struct Confirmation: Encodable, Sendable {
    /// The form field, and its value, that a confirmed POST carries.
    static let field = "confirm"
    static let value = "yes"

    /// The page's heading, a question naming the action and its target: "Block Nia <nia@example.com>?".
    let question: String
    /// What follows, one sentence each.
    let consequences: [String]
    /// The confirming button ("Block Nia"): says what happens, never just "OK".
    let confirmLabel: String
    /// Where "Cancel" leads: the page the action was offered on.
    let cancelPath: String

    /// A field of the action's own form (a note typed next to the button, the member a group loses), carried
    /// through the step as a hidden field so the confirmed POST is the action the person asked for.
    struct CarriedField: Encodable, Sendable {
        let name: String
        let value: String
    }

    /// The view model of `confirm.leaf`.
    struct Step: Encodable {
        let confirmation: Confirmation
        let action: String
        let carried: [CarriedField]
        let field: String
        let value: String
        let error: String?
    }

    /// Whether the request is the confirmed POST.
    static func isConfirmed(_ req: Request) -> Bool {
        (try? req.content.get(String.self, at: field)) == value
    }

    /// The action's own fields: from the query of the GET, or the body of an unconfirmed POST (never the CSRF token).
    static func carriedFields(_ req: Request) -> [String: String] {
        let fields = req.method == .GET ? (try? req.query.decode([String: String].self)) : (try? req.content.decode([String: String].self))
        return (fields ?? [:]).filter { $0.key != field && $0.key != CSRF.formField }
    }

    /// The step as a page of the console, with the refusal of a confirmed attempt if there was one.
    static func render(
        _ req: Request, section: ConsoleSection, status: HTTPResponseStatus = .ok, error: String? = nil,
        describe: (Request, [String: String]) async throws -> Confirmation
    ) async throws -> Response {
        let fields = carriedFields(req)
        let confirmation = try await describe(req, fields)
        let step = Step(confirmation: confirmation, action: req.url.path,
                        carried: fields.sorted { $0.key < $1.key }.map { CarriedField(name: $0.key, value: $0.value) },
                        field: field, value: value, error: error)
        let response = try await req.renderPage("confirm", section: section, title: confirmation.question, step).encodeResponse(for: req).get()
        response.status = status
        return response
    }
}

extension RoutesBuilder {
    /// Registers a destructive action behind its confirmation step: `GET path` shows the step, `POST path` acts only
    /// when confirmed and otherwise shows the step, changing nothing. A refusal of the confirmed action (any 4xx)
    /// is shown on the step, with the same status.
    func confirmed(
        _ path: PathComponent..., section: ConsoleSection,
        describe: @escaping @Sendable (Request, [String: String]) async throws -> Confirmation,
        perform: @escaping @Sendable (Request) async throws -> Response
    ) {
        get(path) { req in
            try await Confirmation.render(req, section: section, describe: describe)
        }
        post(path) { req in
            guard Confirmation.isConfirmed(req) else {
                return try await Confirmation.render(req, section: section, describe: describe)
            }
            do {
                return try await perform(req)
            } catch let refusal as any AbortError where refusal.status.code < 500 && refusal.status != .notFound {
                return try await Confirmation.render(req, section: section, status: refusal.status, error: refusal.reason, describe: describe)
            }
        }
    }
}

import Foundation
import HeraldCore
import Vapor

/// What an administrator sends to create or change an endpoint; absent fields keep their value on change.
struct WebhookEndpointInput: Content, Sendable {
    var url: String?
    var description: String?
    /// Event type names; empty or absent on creation: every type.
    var eventTypes: [String]?
    var enabled: Bool?

    static let maximumDescriptionLength = 200

    /// Problems named by field, all at once, as the API and the CLI word them.
    func problems(policy: WebhookAddressPolicy, creating: Bool) -> [String] {
        refusals(policy: policy, creating: creating).map(\.text)
    }

    func refusals(policy: WebhookAddressPolicy, creating: Bool) -> [WebhookInputProblem] {
        var problems: [WebhookInputProblem] = []
        if let url {
            if let problem = policy.refusal(of: url.trimmingCharacters(in: .whitespaces)) { problems.append(problem) }
        } else if creating {
            problems.append(WebhookInputProblem(field: "url", code: "url_required", english: "is required"))
        }
        if let description {
            if description.count > Self.maximumDescriptionLength {
                problems.append(WebhookInputProblem(field: "description", code: "description_too_long",
                                                    english: "must be at most \(Self.maximumDescriptionLength) characters",
                                                    arguments: ["maximum": String(Self.maximumDescriptionLength)]))
            } else if let problem = SafeText.problem(description, .oneLine) {
                problems.append(WebhookInputProblem(field: "description", code: "description_characters", english: "\(problem)"))
            }
        }
        if let eventTypes {
            if eventTypes.count > WebhookEventType.allCases.count * 2 {
                problems.append(WebhookInputProblem(field: "eventTypes", code: "event_types_too_many", english: "too many entries"))
            } else if let unknown = eventTypes.first(where: { WebhookEventType(rawValue: $0) == nil || $0 == WebhookEventType.test.rawValue }) {
                let shown = String(SafeText.scrubbed(String(unknown.prefix(60))))
                problems.append(WebhookInputProblem(field: "eventTypes", code: "event_types_unknown", english: "'\(shown)' is not an event type",
                                                    arguments: ["type": shown]))
            }
        }
        return problems
    }

    var filter: Set<WebhookEventType>? {
        eventTypes.map { Set($0.compactMap(WebhookEventType.init(rawValue:))) }
    }
}

/// A refused field of an endpoint. The API and the CLI read `text` ("url: must be ..."), in English like their other
/// refusals; the console words it in the person's language from the catalog's `webhook.problem.<code>`.
struct WebhookInputProblem: Equatable, Sendable {
    let field: String
    let code: String
    let english: String
    var arguments: [String: String] = [:]

    var text: String { "\(field): \(english)" }

    func localized(_ catalog: MessageCatalog, _ language: Language) -> String {
        catalog.text("webhook.problem.\(code)", language, arguments)
    }
}

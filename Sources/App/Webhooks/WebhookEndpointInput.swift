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

    /// Problems named by field, all at once.
    func problems(policy: WebhookAddressPolicy, creating: Bool) -> [String] {
        var problems: [String] = []
        if let url {
            if let problem = policy.problem(with: url.trimmingCharacters(in: .whitespaces)) { problems.append(problem) }
        } else if creating {
            problems.append("url: is required")
        }
        if let description {
            if description.count > Self.maximumDescriptionLength {
                problems.append("description: must be at most \(Self.maximumDescriptionLength) characters")
            } else if let problem = SafeText.fieldProblem(description, field: "description") {
                problems.append(problem)
            }
        }
        if let eventTypes {
            if eventTypes.count > WebhookEventType.allCases.count * 2 {
                problems.append("eventTypes: too many entries")
            } else if let unknown = eventTypes.first(where: { WebhookEventType(rawValue: $0) == nil || $0 == WebhookEventType.test.rawValue }) {
                problems.append("eventTypes: '\(unknown.prefix(60))' is not an event type")
            }
        }
        return problems
    }

    var filter: Set<WebhookEventType>? {
        eventTypes.map { Set($0.compactMap(WebhookEventType.init(rawValue:))) }
    }
}

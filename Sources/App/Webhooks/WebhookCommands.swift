import Fluent
import Vapor

/// `herald webhooks list|add|update|remove|rotate-secret|test|deliver` for operators without the console.
struct WebhookCommands: AsyncCommandGroup {
    let help = "Manage webhook endpoints and post queued events"
    let commands: [String: any AnyAsyncCommand] = [
        "list": WebhookListCommand(),
        "add": WebhookAddCommand(),
        "update": WebhookUpdateCommand(),
        "remove": WebhookRemoveCommand(),
        "rotate-secret": WebhookRotateCommand(),
        "test": WebhookTestCommand(),
        "deliver": WebhookDeliverCommand(),
    ]
}

struct WebhookSignatureOptions: OrganizationSignature {
    @Option(name: "organization", help: "The organization's name") var organization: String?
    @Option(name: "id", help: "The endpoint's id (see `herald webhooks list`)") var id: String?
    @Option(name: "url", help: "Where events are posted (http or https)") var url: String?
    @Option(name: "description", help: "A label for the endpoint") var description: String?
    @Option(name: "events", help: "Comma-separated event types; empty or absent: every type") var events: String?
    @Option(name: "enabled", help: "true or false") var enabled: String?
    @Option(name: "overlap", help: "Seconds the previous secret keeps signing after a rotation (default 86400)") var overlap: String?
    init() {}

    var input: WebhookEndpointInput {
        get throws {
            var enabledFlag: Bool?
            if let enabled {
                switch enabled.lowercased() {
                case "true", "yes", "on": enabledFlag = true
                case "false", "no", "off": enabledFlag = false
                default: throw CommandError.usage("--enabled: '\(enabled)' is not true or false")
                }
            }
            return WebhookEndpointInput(
                url: url, description: description,
                eventTypes: events.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } },
                enabled: enabledFlag
            )
        }
    }

    var endpointID: UUID {
        get throws {
            guard let id, let uuid = UUID(uuidString: id) else { throw CommandError.usage("--id: the endpoint's id is required (see `herald webhooks list`)") }
            return uuid
        }
    }
}

extension OrganizationCommand {
    func endpoints(_ organization: Organization, _ context: CommandContext) throws -> WebhookEndpoints {
        context.application.herald.webhookEndpoints(organizationID: try organization.requireID(), actor: .commandLine)
    }
}

/// Refusals of the shared store (`url: ...`) as command-line mistakes naming the option.
private func asWebhookCommandError<T>(_ body: () async throws -> T) async throws -> T {
    try await asCommandError(options: ["eventTypes": "events", "overlapSeconds": "overlap"], body)
}

struct WebhookListCommand: OrganizationCommand {
    typealias Signature = WebhookSignatureOptions
    let help = "List the organization's webhook endpoints"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        for endpoint in try await endpoints(organization, context).list(on: context.application.db) {
            let state = endpoint.enabled ? "enabled" : "disabled" + (endpoint.disabledReason.map { " (\($0))" } ?? "")
            context.console.print("\(endpoint.id?.uuidString ?? "")\t\(endpoint.url)\t\(state)\t\(endpoint.eventTypes.isEmpty ? "all events" : endpoint.eventTypes)")
        }
    }
}

struct WebhookAddCommand: OrganizationCommand {
    typealias Signature = WebhookSignatureOptions
    let help = "Add an endpoint; prints its id and its signing secret (shown once)"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let input = try signature.input
        let created = try await asWebhookCommandError { try await endpoints(organization, context).create(input, on: context.application.db) }
        context.console.print("\(created.endpoint.id?.uuidString ?? "")\t\(created.secret)")
    }
}

struct WebhookUpdateCommand: OrganizationCommand {
    typealias Signature = WebhookSignatureOptions
    let help = "Change an endpoint's URL, description, events or --enabled"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let (id, input) = (try signature.endpointID, try signature.input)
        let endpoint = try await asWebhookCommandError { try await endpoints(organization, context).update(id, input, on: context.application.db) }
        context.console.print(WebhookEndpoints.describe(endpoint))
    }
}

struct WebhookRemoveCommand: OrganizationCommand {
    typealias Signature = WebhookSignatureOptions
    let help = "Delete an endpoint and its delivery log"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let id = try signature.endpointID
        try await asWebhookCommandError { try await endpoints(organization, context).delete(id, on: context.application.db) }
        context.console.print("Deleted.")
    }
}

struct WebhookRotateCommand: OrganizationCommand {
    typealias Signature = WebhookSignatureOptions
    let help = "Give an endpoint a new secret (printed once); the old one signs too for --overlap seconds"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let id = try signature.endpointID
        var overlap: TimeInterval?
        if let text = signature.overlap {
            overlap = TimeInterval(try WholeNumber<RotationOverlapSeconds>(parsing: text, field: "--overlap").value)
        }
        let rotated = try await asWebhookCommandError {
            try await endpoints(organization, context).rotateSecret(id, overlap: overlap, on: context.application.db)
        }
        context.console.print(rotated.secret)
    }
}

struct WebhookTestCommand: OrganizationCommand {
    typealias Signature = WebhookSignatureOptions
    let help = "Queue a webhook.test event for an endpoint"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let id = try signature.endpointID
        let delivery = try await asWebhookCommandError { try await endpoints(organization, context).sendTest(id, on: context.application.db) }
        context.console.print("Queued \(delivery.eventID).")
    }
}

/// `herald webhooks deliver`: posts everything due now and exits (for deployments that run no worker in `serve`).
struct WebhookDeliverCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    let help = "Post every webhook delivery that is due, then exit"

    func run(using context: CommandContext, signature: Signature) async throws {
        let report = try await context.application.herald.webhookWorker.deliverUntilEmpty()
        context.console.print("delivered \(report.delivered), deferred \(report.deferred), failed \(report.failed)")
    }
}

enum RotationOverlapSeconds: WholeNumberRange {
    static let range = 0...Int(WebhookEndpoints.maximumOverlap)
}

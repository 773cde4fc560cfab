import Foundation
import Vapor

/// `herald bounces show|set|poll`: the bounce domain and the bounce mailbox for operators without the console.
struct BounceCommands: AsyncCommandGroup {
    let help = "Show, set and poll an organization's bounce mailbox"
    let commands: [String: any AnyAsyncCommand] = [
        "show": BounceShowCommand(),
        "set": BounceSetCommand(),
        "poll": BouncePollCommand(),
    ]
}

struct BounceOrganizationSignature: OrganizationSignature {
    @Option(name: "organization", help: "The organization's name") var organization: String?
    init() {}
}

/// Prints the settings, never the password.
struct BounceShowCommand: OrganizationCommand {
    typealias Signature = BounceOrganizationSignature
    let help = "Print the bounce domain, the mailbox and the last poll's result (never the password)"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let settings = try await BounceSettingsStore.settings(for: try organization.requireID(), on: context.application.db)
        let lines = [
            ("bounce domain", settings.bounceDomain ?? "none (the sender address is the envelope sender)"),
            ("mailbox", BounceSettingsStore.server(of: settings).map { "\($0) (\(settings.tlsMode))" } ?? "none (no polling)"),
            ("username", settings.username ?? ""),
            ("password", settings.passwordCiphertext == nil ? "not set" : "stored"),
            ("private CA", settings.caCertificate == nil ? "none" : "stored"),
            ("poll interval", "\(settings.pollIntervalSeconds) s"),
            ("last poll", settings.lastPollAt.map { "\(DisplayDate.format($0)): \(settings.lastPollResult ?? "")" } ?? "never"),
        ]
        for (label, value) in lines { context.console.print("\(label)\t\(value)") }
    }
}

/// `herald bounces set --organization NAME [--bounce-domain D] [--server HOST:PORT --username U --password-stdin]
/// [--tls tls|stls] [--ca-file F] [--poll-interval-seconds N]`: replaces the settings as the console form does.
struct BounceSetCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "bounce-domain", help: "envelope senders become bounces+<token>@<domain>; absent: the sender address") var bounceDomain: String?
        @Option(name: "server", help: "the POP3 mailbox as host:port, e.g. pop.example.com:995; absent: no polling") var server: String?
        @Option(name: "tls", help: "tls (default, POP3S) or stls (STARTTLS)") var tls: String?
        @Option(name: "username", help: "the mailbox user name") var username: String?
        @Flag(name: "password-stdin", help: "read the mailbox password from standard input (absent: keep the stored one)") var passwordStdin: Bool
        @Option(name: "ca-file", help: "PEM file of a private CA to trust, read here and stored with the settings") var caFile: String?
        @Option(name: "poll-interval-seconds", help: "10 to 86400 (default 300)") var pollInterval: String?
    }

    let help = "Set the bounce domain and the bounce mailbox (replaces them, as the console form does)"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let organizationID = try organization.requireID()
        let input = BounceSettingsInput(
            bounce_domain: signature.bounceDomain, server: signature.server, tls_mode: signature.tls, username: signature.username,
            password: signature.passwordStdin ? try readSecretFromStandardInput() : nil, ca_certificate: try readCAFile(signature.caFile),
            poll_interval_seconds: signature.pollInterval)
        let stored = try await BounceSettingsStore.settings(for: organizationID, on: app.db)
        let problems = input.problems(hasStoredPassword: stored.passwordCiphertext != nil, servers: app.herald.configuration.pop3Servers)
        guard problems.isEmpty else { throw CommandError.fields(problems, options: [
            "tls_mode": "tls", "password": "password-stdin", "ca_certificate": "ca-file",
        ]) }
        try await BounceSettingsStore.save(input, organizationID: organizationID, actor: .commandLine, secretBox: app.herald.secretBox, on: app.db)
        context.console.print("Bounce settings of '\(organization.name)' saved.")
    }
}

/// Reads the mailbox now, as the console's "Poll now" does; a failed poll exits non-zero with its reason.
struct BouncePollCommand: OrganizationCommand {
    typealias Signature = BounceOrganizationSignature
    let help = "Read the bounce mailbox now and print what was recorded"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let result = try await app.herald.bouncePoller.poll(organizationID: try organization.requireID(), on: app.db) else {
            throw CommandError.usage("--organization: '\(organization.name)' has no bounce mailbox, or another poll is reading it")
        }
        if result.hasPrefix("failed: ") { throw CommandError.invalid([result]) }
        context.console.print(result)
    }
}

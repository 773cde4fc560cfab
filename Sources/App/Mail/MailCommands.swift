import Fluent
import Foundation
import Vapor

struct MailCommands: AsyncCommandGroup {
    let help = "Configure and test an organization's outgoing mail"
    let commands: [String: any AnyAsyncCommand] = ["set": MailSetCommand(), "test": MailTestCommand()]
}

/// `herald mail set --organization NAME --server HOST:PORT --sender ADDR --tls MODE [--username U --password-stdin] [--ca-file F]`
struct MailSetCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "transport", help: "smtp (default) or file") var transport: String?
        @Option(name: "server", help: "host:port, e.g. mail.example.com:587") var server: String?
        @Option(name: "sender", help: "the From address") var sender: String?
        @Option(name: "sender-name", help: "the From display name") var senderName: String?
        @Option(name: "tls", help: "none, starttls-if-available, starttls or tls") var tls: String?
        @Option(name: "min-tls", help: "1.2 or 1.3") var minimumTLS: String?
        @Option(name: "username", help: "the SMTP user name (then give the password with --password-stdin)") var username: String?
        @Flag(name: "password-stdin", help: "read the SMTP password from standard input") var passwordStdin: Bool
        @Option(name: "ca-file", help: "PEM file of a private CA to trust, read here and stored with the settings") var caFile: String?
        @Flag(name: "insecure-skip-verify", help: "do not verify the server certificate (logged in the audit log)") var skipVerify: Bool
    }

    let help = "Set an organization's mail settings"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let caCertificate = try readCAFile(signature.caFile)
        let input = MailSettingsInput(
            transport: signature.transport ?? "smtp", server: signature.server, sender_address: signature.sender ?? "",
            sender_name: signature.senderName, tls_mode: signature.tls, minimum_tls_version: signature.minimumTLS,
            verify_certificates: !signature.skipVerify, ca_certificate: caCertificate,
            requires_authentication: signature.username != nil, username: signature.username,
            password: signature.passwordStdin ? try readSecretFromStandardInput() : nil
        )
        let problems = input.problems(servers: app.herald.configuration.smtpServers)
        guard problems.isEmpty else { throw CommandError.fields(problems, options: [
            "sender_address": "sender", "sender_name": "sender-name", "tls_mode": "tls", "minimum_tls_version": "min-tls",
            "ca_certificate": "ca-file", "password": "password-stdin",
        ]) }
        if input.requires_authentication == true, input.password == nil {
            throw CommandError.usage("--password-stdin: a password is required with --username")
        }
        try await MailSettingsStore.save(input, organizationID: try organization.requireID(), actor: .commandLine, secretBox: app.herald.secretBox, on: app.db)
        context.console.print("Mail settings of '\(organization.name)' saved.")
    }
}

/// `herald mail test --organization NAME --to "a@example.com;b@example.com"`
struct MailTestCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "to", help: "addresses separated by ;") var to: String?
    }

    let help = "Send a test email and print each address's result"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let results = try await app.herald.testEmail.send(to: signature.to ?? "", organization: organization, on: app.db)
        for result in results {
            context.console.print("\(result.address)\t\(result.outcome.rawValue)\t\(result.detail)")
        }
        if results.contains(where: { !$0.accepted }) { throw CommandError.usage("--to: not every address was sent to (see each line above)") }
    }
}

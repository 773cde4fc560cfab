import Fluent
import HeraldCore
import Vapor

/// `herald invite client --organization NAME (--users a@x,b@y | --groups G,H) --devices windows,macos --server gw.example.com
///  [--port 443] [--mode gateway-ssl] [--auth credentials] [--credential-provider GUID] [--language de] [--subject S] [--template-file F]`
struct InviteClientCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "users", help: "directory users by email, separated by commas") var users: String?
        @Option(name: "groups", help: "directory groups by name, separated by commas (nested groups are expanded)") var groups: String?
        @Option(name: "devices", help: "windows, macos, linux, ios, android, chromeos; separated by commas") var devices: String?
        @Option(name: "server", help: "public FQDN or IP address of the gateway") var server: String?
        @Option(name: "port", help: "default 443") var port: String?
        @Option(name: "mode", help: "gateway, direct, gateway-ssl (default) or direct-ssl") var mode: String?
        @Option(name: "auth", help: "credentials (default), sso, smartcard, web or web-credentials") var authentication: String?
        @Option(name: "credential-provider", help: "GUID of a third-party credential provider") var credentialProvider: String?
        @Option(name: "language", help: "en, de, fr, es, it, ja or zh-Hans (default en)") var language: String?
        @Option(name: "subject", help: "subject line; %RECIPIENT% and %SENDER% may be used") var subject: String?
        @Option(name: "template-file", help: "a UTF-8 text file with the message template") var templateFile: String?
    }

    let help = "Send remote-access client invitations to directory users and groups"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        func list(_ value: String?) -> [String] {
            (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard signature.users != nil || signature.groups != nil else { throw CommandError.usage("give --users EMAILS and/or --groups NAMES") }
        var template: String?
        if let path = signature.templateFile {
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandError.usage("--template-file: cannot read '\(path)'") }
            template = String(decoding: data, as: UTF8.self)
        }
        do {
            let request = try await ClientInvitationRequest.resolving(
                deviceTypes: list(signature.devices), server: signature.server ?? "", port: signature.port ?? "443",
                mode: signature.mode ?? "gateway-ssl", authentication: signature.authentication ?? "credentials",
                credentialProvider: signature.credentialProvider ?? "", users: list(signature.users), groups: list(signature.groups),
                language: signature.language, subject: signature.subject, template: template, organizationID: try organization.requireID(), on: app.db)
            let plan = try await ClientInvitationPlanner.plan(request, organization: organization, catalog: app.herald.catalog, publicURL: app.herald.configuration.publicURL, on: app.db)
            for warning in plan.warnings { context.console.warning("warning: \(warning)") }
            let sent = try await ClientInvitations(mailer: app.herald.mailer).send(plan, inviter: nil, actor: .commandLine, on: app.db)
            let refused = Set(sent.refused.compactMap { $0.split(separator: ":").first.map(String.init) })
            for user in plan.recipients where !refused.contains(user.email) { context.console.print("queued\t\(user.email)\t\(user.name)") }
            for line in sent.refused { context.console.warning("refused: \(line)") }
            context.console.print("\(sent.recipients) invitations queued (batch \(sent.batchID.uuidString)); devices: \(sent.deviceTypes.joined(separator: ", "))")
        } catch let abort as any AbortError where abort.status.code < 500 {
            throw CommandError.fields(abort.reason.components(separatedBy: "; "), options: [
                "device_types": "devices", "connection_mode": "mode", "authentication": "auth", "template": "template-file",
            ])
        }
    }
}

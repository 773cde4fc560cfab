import Fluent
import HeraldCore
import Vapor

extension ClientWizardController {
    struct ConnectionForm: Content {
        var device_types: [String]?
        var server: String?
        var port: String?
        var connection_mode: String?
        var authentication: String?
        var credential_provider: String?

        var input: ConnectionSettings.Input {
            ConnectionSettings.Input(deviceTypes: device_types ?? [], server: server ?? "", port: port ?? "",
                                     mode: connection_mode ?? "", authentication: authentication ?? "",
                                     credentialProvider: credential_provider ?? "")
        }
    }

    struct RecipientsForm: Content {
        var user_ids: [String]?
        var group_ids: [String]?
    }

    struct MessageForm: Content {
        var language: String?
        var subject: String?
        var template: String?
        var preview_user_id: String?
    }

    /// Step 1 saves the mail settings when they differ from the stored ones (an unchanged Next writes nothing,
    /// so the audit log shows real changes only). Returns the problems, each naming its field.
    func saveMail(_ req: Request) async throws -> [String] {
        let context = try req.console
        let input = try req.content.decode(MailSettingsInput.self)
        let problems = input.problems(servers: req.herald.configuration.smtpServers)
        guard problems.isEmpty else { return problems }
        let stored = try await MailSettings.query(on: req.db).filter(\.$organization.$id == context.organizationID).first()
        if let stored, !Self.differs(input, from: stored) { return [] }
        try await MailSettingsStore.save(input, organizationID: context.organizationID, actor: context.actor,
                                         secretBox: req.herald.secretBox, on: req.db)
        return []
    }

    static func differs(_ input: MailSettingsInput, from stored: MailSettings) -> Bool {
        let server: String? = if case .success(let address) = ServerAddress.parse(input.server ?? "") { "\(address.host):\(address.port)" } else { nil }
        let storedServer = stored.host.map { "\($0):\(stored.port ?? 25)" }
        return input.transport != stored.transport
            || (input.transport == "smtp" && server != storedServer)
            || input.sender_address.trimmingCharacters(in: .whitespaces) != stored.senderAddress
            || (input.sender_name?.trimmingCharacters(in: .whitespaces).nilIfEmpty) != stored.senderName
            || (input.tls_mode ?? "starttls") != stored.tlsMode
            || (input.minimum_tls_version ?? "1.2") != stored.minimumTLSVersion
            || (input.verify_certificates ?? true) != stored.verifyCertificates
            || (input.ca_certificate != nil && input.ca_certificate?.trimmingWhitespace().nilIfEmpty != stored.caCertificate)
            || (input.requires_authentication ?? false) != stored.requiresAuthentication
            || (input.requires_authentication == true && input.username?.trimmingCharacters(in: .whitespaces) != stored.username)
            || (input.password?.isEmpty == false)
    }

    struct TestForm: Content { var to: String }

    /// "Send test email" inside the wizard: same as on the Mail page, the results shown on the mail step.
    func sendTest(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(TestForm.self)
        var view = ClientWizardView(step: .mail)
        do {
            let results = try await req.herald.testEmail.send(to: form.to, organization: context.organization, on: req.db)
            try await AuditLog.record(on: req.db, organizationID: context.organization.id, actor: context.actor, action: .mailSettingsTested,
                                      targetType: "mail_settings", targetLabel: form.to, details: TestEmail.summary(results))
            return try await render(req, step: .mail, draft: ClientWizardDraft.load(req), view: view, status: .ok, testTo: form.to, testResults: results)
        } catch let abort as any AbortError where abort.status.code < 500 {
            view.errors = [abort.reason]
            return try await render(req, step: .mail, draft: ClientWizardDraft.load(req), view: view, status: abort.status, testTo: form.to)
        }
    }
}

import Fluent
import Vapor

/// The organization's outgoing mail settings. The password is write-only: the page never shows it.
struct MailSettingsController {
    struct ViewModel: Encodable {
        let transport: String
        let server: String
        let senderAddress: String
        let senderName: String
        let tlsMode: String
        let minimumTLSVersion: String
        let verifyCertificates: Bool
        let caCertificate: String
        let requiresAuthentication: Bool
        let username: String
        let hasPassword: Bool
        let tlsModes: [String]
        let errors: [String]
        let testTo: String
        let testResults: [TestEmail.Result]
        let delivery: DeliveryStatus
    }

    /// The outbox as the administrator needs to see it: how much waits, what failed and why.
    struct DeliveryStatus: Encodable {
        struct Message: Encodable {
            let to: String
            let subject: String
            let status: OutboxStatus
            let attempts: Int
            let nextAttempt: String
            let lastError: String?
        }
        let counts: [String: Int]
        let recent: [Message]
    }

    static func deliveryStatus(organizationID: UUID, on db: any Database) async throws -> DeliveryStatus {
        let counts = try await OutboxQueries.counts(organizationID: organizationID, on: db)
        let recent = try await OutboxMessage.query(on: db).filter(\.$organization.$id == organizationID)
            .field(\.$id).field(\.$recipients).field(\.$subject).field(\.$status).field(\.$attempts)
            .field(\.$nextAttemptAt).field(\.$lastError).field(\.$createdAt)
            .sort(\.$createdAt, .descending).limit(20).all()
            .map { DeliveryStatus.Message(to: $0.recipients, subject: $0.subject, status: $0.status, attempts: $0.attempts,
                                          nextAttempt: $0.status == .deferred ? DisplayDate.format($0.nextAttemptAt) : "",
                                          lastError: $0.lastError) }
        return DeliveryStatus(counts: counts, recent: recent)
    }

    struct TestForm: Content {
        var to: String
    }

    func sendTest(_ req: Request) async throws -> View {
        let context = try req.console
        let form = try req.content.decode(TestForm.self)
        let results = try await req.herald.testEmail.send(to: form.to, organization: context.organization, on: req.db)
        try await AuditLog.record(on: req.db, organizationID: context.organization.id, actor: context.actor, action: .mailSettingsTested,
                                  targetType: "mail_settings", targetLabel: form.to, details: TestEmail.summary(results))
        let settings = try await MailSettingsStore.settings(for: context.organizationID, on: req.db)
        return try await render(req, settings: settings, errors: [], testTo: form.to, testResults: results)
    }

    func form(_ req: Request) async throws -> View {
        let settings = try await MailSettingsStore.settings(for: req.console.organizationID, on: req.db)
        return try await render(req, settings: settings, errors: [])
    }

    func save(_ req: Request) async throws -> Response {
        let context = try req.console
        let input = try req.content.decode(MailSettingsInput.self)
        let settings = try await MailSettingsStore.settings(for: context.organizationID, on: req.db)
        let problems = input.problems(servers: req.herald.configuration.smtpServers)
        guard problems.isEmpty else {
            return try await render(req, settings: settings, errors: problems).unprocessable(for: req)
        }
        try await MailSettingsStore.save(input, organizationID: context.organizationID, actor: context.actor, secretBox: req.herald.secretBox, on: req.db)
        req.flash("Mail settings saved.")
        return req.redirect(to: "/console/mail")
    }

    private func render(_ req: Request, settings: MailSettings, errors: [String], testTo: String = "", testResults: [TestEmail.Result] = []) async throws -> View {
        let server = settings.host.map { host in "\(host.contains(":") ? "[\(host)]" : host):\(settings.port ?? 25)" } ?? ""
        let content = ViewModel(
            transport: settings.transport, server: server, senderAddress: settings.senderAddress,
            senderName: settings.senderName ?? "", tlsMode: settings.tlsMode, minimumTLSVersion: settings.minimumTLSVersion,
            verifyCertificates: settings.verifyCertificates, caCertificate: settings.caCertificate ?? "",
            requiresAuthentication: settings.requiresAuthentication, username: settings.username ?? "",
            hasPassword: settings.passwordCiphertext != nil, tlsModes: MailSettingsInput.tlsModes, errors: errors,
            testTo: testTo, testResults: testResults,
            delivery: try await Self.deliveryStatus(organizationID: req.console.organizationID, on: req.db)
        )
        return try await req.renderPage("mail", section: .mail, content)
    }
}

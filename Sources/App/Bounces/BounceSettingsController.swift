import Fluent
import Vapor

/// Console → Mail → Bounces: the VERP bounce domain, the bounce mailbox (POP3 over TLS), the last poll's result,
/// "Poll now", and the latest bounces. The password is write-only.
struct BounceSettingsController {
    struct Row: Encodable {
        let received: String
        let address: String
        let kind: String
        let statusCode: String
        let reason: String
        let invitationID: String?
    }

    struct ViewModel: Encodable {
        let bounceDomain: String
        let server: String
        let tlsMode: String
        let tlsModes: [String]
        let username: String
        let hasPassword: Bool
        let caCertificate: String
        let pollIntervalSeconds: Int
        let lastPoll: String
        let lastPollResult: String
        let errors: [String]
        let bounces: [Row]
    }

    func page(_ req: Request) async throws -> View {
        try await render(req, settings: try await BounceSettingsStore.settings(for: req.console.organizationID, on: req.db), errors: [])
    }

    func save(_ req: Request) async throws -> Response {
        let context = try req.console
        let input = try req.content.decode(BounceSettingsInput.self)
        let settings = try await BounceSettingsStore.settings(for: context.organizationID, on: req.db)
        let problems = input.problems(hasStoredPassword: settings.passwordCiphertext != nil, servers: req.herald.configuration.pop3Servers)
        guard problems.isEmpty else {
            return try await render(req, settings: settings, errors: problems).unprocessable(for: req)
        }
        try await BounceSettingsStore.save(input, organizationID: context.organizationID, actor: context.actor, secretBox: req.herald.secretBox, on: req.db)
        req.flash("Bounce settings saved.")
        return req.redirect(to: "/console/mail/bounces")
    }

    /// Reads the mailbox now rather than at the next interval; 409 while another poll holds it.
    func pollNow(_ req: Request) async throws -> Response {
        guard let result = try await req.herald.bouncePoller.poll(organizationID: req.console.organizationID, on: req.db) else {
            throw Abort(.conflict, reason: "bounce mailbox: another poll is reading it, or no mailbox is configured")
        }
        req.flash("Bounce mailbox read: \(result).")
        return req.redirect(to: "/console/mail/bounces")
    }

    private func render(_ req: Request, settings: BounceSettings, errors: [String]) async throws -> View {
        let organizationID = try req.console.organizationID
        let bounces = try await BounceRecord.query(on: req.db).filter(\.$organization.$id == organizationID)
            .sort(\.$receivedAt, .descending).limit(50).all()
        let server = BounceSettingsStore.server(of: settings) ?? ""
        let content = ViewModel(
            bounceDomain: settings.bounceDomain ?? "", server: server, tlsMode: settings.tlsMode, tlsModes: BounceSettingsInput.tlsModes,
            username: settings.username ?? "", hasPassword: settings.passwordCiphertext != nil, caCertificate: settings.caCertificate ?? "",
            pollIntervalSeconds: settings.pollIntervalSeconds, lastPoll: settings.lastPollAt.map { DisplayDate.format($0) } ?? "never",
            lastPollResult: settings.lastPollResult ?? "", errors: errors,
            bounces: bounces.map { Row(received: DisplayDate.format($0.receivedAt), address: $0.address, kind: $0.kind.rawValue,
                                       statusCode: $0.statusCode ?? "", reason: $0.reason, invitationID: $0.invitationID?.uuidString) })
        return try await req.renderPage("bounces", section: .mail, content)
    }
}

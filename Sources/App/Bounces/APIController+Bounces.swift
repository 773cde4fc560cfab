import Foundation
import Vapor

/// `/api/v1/bounce-settings`: the bounce domain and the bounce mailbox, as Console → Mail → Bounces edits them. The
/// organization is the token's, as for `/api/v1/mail-settings`. The password is write-only.
extension APIController {
    struct BounceSettingsDTO: Content {
        let bounceDomain: String?
        /// `host:port` of the POP3 mailbox; nil: no mailbox is polled.
        let server: String?
        let tlsMode: String
        let username: String?
        /// The password itself is write-only.
        let hasPassword: Bool
        let caCertificate: String?
        let pollIntervalSeconds: Int
        let lastPollAt: Date?
        let lastPollResult: String?

        init(_ settings: BounceSettings) {
            bounceDomain = settings.bounceDomain
            server = BounceSettingsStore.server(of: settings)
            tlsMode = settings.tlsMode
            username = settings.username
            hasPassword = settings.passwordCiphertext != nil
            caCertificate = settings.caCertificate
            pollIntervalSeconds = settings.pollIntervalSeconds
            lastPollAt = settings.lastPollAt
            lastPollResult = settings.lastPollResult
        }
    }

    /// The JSON body: the console form's fields, with the poll interval as a number.
    struct BounceSettingsRequest: Content {
        var bounce_domain: String?
        var server: String?
        var tls_mode: String?
        var username: String?
        var password: String?
        var ca_certificate: String?
        var poll_interval_seconds: Int?

        var input: BounceSettingsInput {
            BounceSettingsInput(bounce_domain: bounce_domain, server: server, tls_mode: tls_mode, username: username, password: password,
                                ca_certificate: ca_certificate, poll_interval_seconds: poll_interval_seconds.map(String.init))
        }
    }

    func bounceSettings(_ req: Request) async throws -> BounceSettingsDTO {
        BounceSettingsDTO(try await BounceSettingsStore.settings(for: req.api.organizationID, on: req.db))
    }

    /// Replaces the settings as the console form does; every problem is a 422 naming its field, nothing saved.
    func updateBounceSettings(_ req: Request) async throws -> BounceSettingsDTO {
        let context = try req.api
        let input = try req.content.decode(BounceSettingsRequest.self).input
        let stored = try await BounceSettingsStore.settings(for: context.organizationID, on: req.db)
        let problems = input.problems(hasStoredPassword: stored.passwordCiphertext != nil, servers: req.herald.configuration.pop3Servers)
        guard problems.isEmpty else { throw Abort(.unprocessableEntity, reason: problems.joined(separator: "; ")) }
        try await BounceSettingsStore.save(input, organizationID: context.organizationID, actor: context.actor, secretBox: req.herald.secretBox, on: req.db)
        return BounceSettingsDTO(try await BounceSettingsStore.settings(for: context.organizationID, on: req.db))
    }
}

import Fluent
import Foundation
import HeraldCore
import NIOCore
import SMTP

/// Picks the transport for an organization's messages from its mail settings.
///
/// Settings are read afresh for every batch (one small query) rather than cached, so a corrected password
/// or server takes effect on the next batch, on every instance.
struct TransportResolver: Sendable {
    /// Where the file transport writes messages (`<data directory>/outbox`); the one place that names it.
    let spoolFolder: String
    let defaultTransport: Configuration.MailTransportKind
    let secretBox: SecretBox
    let clientHostname: String
    let pool: SMTPConnectionPool
    let pacer: SendingPacer?
    var replyTimeout: TimeInterval? = nil
    /// Checked at every use too: the operator may have narrowed it since the settings were saved.
    var servers = ServerPolicy.anyServer
    /// Envelope senders per message (`bounces+<token>@<bounce domain>`) for organizations with a bounce domain.
    var verp: VERPAddress? = nil

    func transport(for organizationID: UUID?, on db: any Database) async throws -> any MailTransport {
        guard let organizationID,
              let settings = try await MailSettings.query(on: db).filter(\.$organization.$id == organizationID).first()
        else {
            return defaultTransport == .file
                ? FileMailTransport(folder: spoolFolder)
                : UnavailableMailTransport(reason: "no SMTP server is configured for this organization (Mail settings)")
        }
        guard settings.transport == "smtp" else { return FileMailTransport(folder: spoolFolder) }
        switch serverConfiguration(settings) {
        case .success(let configuration):
            var envelopeSender: (@Sendable (UUID) -> String)?
            if let verp, let domain = try await BounceSettingsStore.bounceDomain(for: organizationID, on: db) {
                envelopeSender = { verp.address(for: $0, domain: domain) }
            }
            return SMTPMailTransport(configuration: configuration, pool: pool, pacer: pacer, envelopeSender: envelopeSender)
        case .failure(let reason): return UnavailableMailTransport(reason: reason.description)
        }
    }

    func serverConfiguration(_ settings: MailSettings) -> Result<SMTPServerConfiguration, ServerAddressError> {
        guard let host = settings.host, let port = settings.port else {
            return .failure(.init("the mail settings have no SMTP server"))
        }
        if let refusal = ServerAddress(host: host, port: port).refusal(by: servers) { return .failure(.init(refusal)) }
        guard let tlsMode = SMTPTLSMode(rawValue: settings.tlsMode),
              let minimumTLS = SMTPTLSVersion(rawValue: settings.minimumTLSVersion) else {
            return .failure(.init("the mail settings' TLS mode '\(settings.tlsMode)' is unknown"))
        }
        var credentials: SMTPCredentials?
        if settings.requiresAuthentication {
            guard let ciphertext = settings.passwordCiphertext, let password = try? secretBox.open(ciphertext) else {
                return .failure(.init("the stored SMTP password cannot be decrypted (was HERALD_SECRET_KEY changed?); enter it again in Mail settings"))
            }
            credentials = SMTPCredentials(username: settings.username ?? "", password: password)
        }
        let timeouts = replyTimeout.map { SMTPTimeouts.uniform(.milliseconds(Int64($0 * 1000))) } ?? .rfc5321
        return .success(SMTPServerConfiguration(
            host: host, port: port, tlsMode: tlsMode, minimumTLSVersion: minimumTLS,
            verifyCertificates: settings.verifyCertificates, caCertificatesPEM: settings.caCertificate, credentials: credentials,
            // Only when the administrator chose "no TLS" explicitly may a password cross the network in clear.
            allowsCleartextAuthentication: tlsMode == .none, clientHostname: clientHostname, timeouts: timeouts
        ))
    }
}

import Fluent
import HeraldCore
import NIOCore
import POP3
import Vapor

/// Reads and writes an organization's bounce settings; an organization without a row has no bounce domain and no
/// mailbox.
enum BounceSettingsStore {
    static func settings(for organizationID: UUID, on db: any Database) async throws -> BounceSettings {
        if let stored = try await BounceSettings.query(on: db).filter(\.$organization.$id == organizationID).first() { return stored }
        let defaults = BounceSettings()
        defaults.$organization.id = organizationID
        defaults.tlsMode = POP3TLSMode.implicitTLS.rawValue
        defaults.pollIntervalSeconds = 300
        return defaults
    }

    /// 409 when another save created the organization's row at the same moment (its one row is unique).
    static func save(_ input: BounceSettingsInput, organizationID: UUID, actor: AuditActor, secretBox: SecretBox, on db: any Database) async throws {
        do {
            try await write(input, organizationID: organizationID, actor: actor, secretBox: secretBox, on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw Abort(.conflict, reason: "bounce_settings: someone else saved them at the same moment; reload them and try again")
        }
    }

    private static func write(_ input: BounceSettingsInput, organizationID: UUID, actor: AuditActor, secretBox: SecretBox, on db: any Database) async throws {
        try await db.transaction { db in
            let settings = try await settings(for: organizationID, on: db)
            try input.apply(to: settings, secretBox: secretBox)
            try await settings.save(on: db)
            var details = "bounce domain: \(settings.bounceDomain ?? "none")"
            if let host = settings.host { details += ", mailbox: \(host):\(settings.port ?? 0) (\(settings.tlsMode)), every \(settings.pollIntervalSeconds) s" }
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .bounceSettingsChanged,
                                      targetType: "bounce_settings", targetID: settings.id, targetLabel: settings.bounceDomain ?? "bounces", details: details)
        }
    }

    /// The mailbox as `host:port` (an IPv6 address in brackets), as the form takes it; nil when none is set.
    static func server(of settings: BounceSettings) -> String? {
        settings.host.map { host in "\(host.contains(":") ? "[\(host)]" : host):\(settings.port ?? 995)" }
    }

    /// The POP3 connection the settings describe, if the operator's `servers` still allow its server.
    static func pop3Configuration(_ settings: BounceSettings, secretBox: SecretBox, servers: ServerPolicy) throws -> POP3Configuration {
        guard let host = settings.host, let port = settings.port, let username = settings.username else {
            throw POP3Error(.invalidConfiguration, message: "no bounce mailbox is configured")
        }
        if let refusal = ServerAddress(host: host, port: port).refusal(by: servers) {
            throw POP3Error(.invalidConfiguration, message: "server: \(refusal)")
        }
        guard let ciphertext = settings.passwordCiphertext, let password = try? secretBox.open(ciphertext) else {
            throw POP3Error(.invalidConfiguration, message: "the stored mailbox password cannot be decrypted (was HERALD_SECRET_KEY changed?); enter it again")
        }
        return POP3Configuration(host: host, port: port, tlsMode: POP3TLSMode(rawValue: settings.tlsMode) ?? .implicitTLS,
                                 credentials: POP3Credentials(username: username, password: password),
                                 caCertificatesPEM: settings.caCertificate)
    }

    /// The organization's bounce domain, for the envelope sender (`TransportResolver`).
    static func bounceDomain(for organizationID: UUID, on db: any Database) async throws -> String? {
        try await BounceSettings.query(on: db).filter(\.$organization.$id == organizationID).field(\.$id).field(\.$bounceDomain).first()?.bounceDomain
    }
}

import Fluent
import HeraldCore
import Vapor

/// Reads and writes an organization's mail settings; an organization without a row gets the file transport.
package enum MailSettingsStore {
    static func settings(for organizationID: UUID, on db: any Database) async throws -> MailSettings {
        if let stored = try await MailSettings.query(on: db).filter(\.$organization.$id == organizationID).first() {
            return stored
        }
        let defaults = MailSettings()
        defaults.$organization.id = organizationID
        defaults.transport = "file"
        // Until an administrator sets a sender: a syntactically valid placeholder (a bare "localhost" domain
        // is not a valid address); mail goes to the file spool anyway until SMTP is configured.
        defaults.senderAddress = "herald@localhost.localdomain"
        defaults.tlsMode = "starttls"
        defaults.minimumTLSVersion = "1.2"
        defaults.verifyCertificates = true
        defaults.requiresAuthentication = false
        return defaults
    }

    package static func save(_ input: MailSettingsInput, organizationID: UUID, actor: AuditActor, secretBox: SecretBox, on db: any Database) async throws {
        try await db.transaction { db in
            let settings = try await settings(for: organizationID, on: db)
            try input.apply(to: settings, secretBox: secretBox)
            try await settings.save(on: db)
            var details = "transport: \(settings.transport)"
            if let host = settings.host { details += ", server: \(host):\(settings.port ?? 0), tls: \(settings.tlsMode)" }
            if !settings.verifyCertificates { details += ", certificate verification OFF" }
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .mailSettingsChanged,
                                      targetType: "mail_settings", targetID: settings.id, targetLabel: settings.senderAddress, details: details)
        }
    }
}

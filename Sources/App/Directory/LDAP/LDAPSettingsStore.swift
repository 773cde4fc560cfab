import Fluent
import HeraldCore
import Vapor

/// Reads and saves an organization's LDAP settings (`LDAPSettings`); saving is audited, never with the password.
struct LDAPSettingsStore {
    let box: SecretBox
    /// The operator's limit (HERALD_LDAP_ALLOWED_HOSTS), checked on saving and again on connecting: settings saved
    /// before the operator narrowed it are refused too.
    let servers: ServerPolicy

    static func settings(of organizationID: UUID, on db: any Database) async throws -> LDAPSettings? {
        try await LDAPSettings.query(on: db).filter(\.$organization.$id == organizationID).first()
    }

    /// The connection the organization configured, its password opened; 409 when there is none yet.
    func connection(of organizationID: UUID, on db: any Database) async throws -> LDAPConnectionSettings {
        guard let settings = try await Self.settings(of: organizationID, on: db) else {
            throw Abort(.conflict, reason: "ldap: no LDAP server is set up for this organization yet")
        }
        if let refusal = LDAPSettingsInput.refusal(url: settings.url, by: servers) {
            throw Abort(.conflict, reason: "url: " + refusal)
        }
        do { return try LDAPConnectionSettings(settings, box: box) } catch {
            throw Abort(.conflict, reason: "password: the stored bind password cannot be read with this server's secret key; enter it again")
        }
    }

    @discardableResult
    func save(_ input: LDAPSettingsInput, organizationID: UUID, actor: AuditActor, on db: any Database, now: Date = Date()) async throws -> LDAPSettings {
        let settings = try await Self.settings(of: organizationID, on: db) ?? LDAPSettings()
        let problems = input.problems(hasStoredPassword: settings.passwordCiphertext != nil, servers: servers)
        guard problems.isEmpty, let mapping = input.mapping, let preset = LDAPAttributeMapping.Preset(rawValue: input.preset) else {
            throw ValidationProblems(problems)
        }
        settings.$organization.id = organizationID
        settings.url = input.url.trimmingCharacters(in: .whitespaces)
        let pem = input.ca_certificate_pem?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        settings.caCertificatePEM = pem.isEmpty ? nil : pem
        settings.bindDN = input.bind_dn.trimmingCharacters(in: .whitespaces)
        if let password = input.password, !password.isEmpty { settings.passwordCiphertext = try box.seal(password) }
        settings.userBaseDN = input.user_base_dn.trimmingCharacters(in: .whitespaces)
        settings.groupBaseDN = input.group_base_dn.trimmingCharacters(in: .whitespaces)
        settings.preset = preset
        settings.mapping = mapping
        let interval = input.sync_interval_minutes ?? 0
        if settings.id == nil || settings.syncIntervalMinutes != interval {
            settings.nextSyncAt = interval > 0 ? now.addingTimeInterval(TimeInterval(interval * 60)) : nil
        }
        settings.syncIntervalMinutes = interval
        try await db.transaction { db in
            try await settings.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .ldapSettingsChanged,
                                      targetType: "directory", targetLabel: "LDAP settings",
                                      details: "\(settings.url), bind DN \(settings.bindDN), users in \(settings.userBaseDN), every \(interval) min")
        }
        return settings
    }
}

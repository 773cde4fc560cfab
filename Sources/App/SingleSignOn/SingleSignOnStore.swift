import Fluent
import HeraldCore
import Vapor

/// Reads and saves organizations' identity provider settings (`SingleSignOnSettings`); saving is audited, never with
/// the client secret.
struct SingleSignOnStore {
    let box: SecretBox
    let allowHTTP: Bool

    static func settings(of organizationID: UUID, on db: any Database) async throws -> SingleSignOnSettings? {
        try await SingleSignOnSettings.query(on: db).filter(\.$organization.$id == organizationID).first()
    }

    /// The settings when the organization has single sign-on switched on.
    static func enabled(for organizationID: UUID, on db: any Database) async throws -> SingleSignOnSettings? {
        guard let settings = try await settings(of: organizationID, on: db), settings.enabled else { return nil }
        return settings
    }

    @discardableResult
    func save(_ input: SingleSignOnSettingsInput, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> SingleSignOnSettings {
        let settings = try await Self.settings(of: organizationID, on: db) ?? SingleSignOnSettings()
        let problems = input.problems(hasStoredSecret: settings.id != nil, allowHTTP: allowHTTP)
        guard problems.isEmpty else { throw ValidationProblems(problems) }
        settings.$organization.id = organizationID
        settings.enabled = input.enabled ?? true
        settings.providerName = input.provider_name.trimmingCharacters(in: .whitespaces)
        settings.issuer = input.issuer.trimmingCharacters(in: .whitespaces)
        settings.clientID = input.client_id.trimmingCharacters(in: .whitespaces)
        if let secret = input.client_secret, !secret.isEmpty { settings.clientSecretCiphertext = try box.seal(secret) }
        settings.allowedDomains = try EmailDomainList(parsing: input.allowed_domains ?? "").text
        settings.justInTime = input.just_in_time ?? false
        settings.passwordsAllowed = input.passwords_allowed ?? true
        try await db.transaction { db in
            try await settings.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .singleSignOnSettingsChanged,
                                      targetType: "sso", targetLabel: settings.providerName, details: Self.summary(settings))
        }
        return settings
    }

    /// Break-glass (`herald sso allow-passwords`): members may sign in with their passwords again, whatever the
    /// identity provider is doing.
    static func allowPasswords(organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> Bool {
        guard let settings = try await settings(of: organizationID, on: db), !settings.passwordsAllowed else { return false }
        settings.passwordsAllowed = true
        try await db.transaction { db in
            try await settings.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .singleSignOnSettingsChanged,
                                      targetType: "sso", targetLabel: settings.providerName, details: summary(settings))
        }
        return true
    }

    static func summary(_ settings: SingleSignOnSettings) -> String {
        "\(settings.enabled ? "on" : "off"), issuer \(settings.issuer), client \(settings.clientID), "
            + "domains \(settings.allowedDomains.isEmpty ? "none" : settings.allowedDomains), "
            + "just-in-time \(settings.justInTime ? "on" : "off"), passwords \(settings.passwordsAllowed ? "allowed" : "refused")"
    }

    /// The first organization among the account's active memberships that refuses passwords, if any: such a person
    /// signs in through that organization's identity provider only.
    static func passwordRefusal(accountID: UUID, on db: any Database) async throws -> SingleSignOnSettings? {
        let organizations = try await Membership.query(on: db).filter(\.$account.$id == accountID).filter(\.$status == .active).all()
            .map { $0.$organization.id }
        guard !organizations.isEmpty else { return nil }
        return try await SingleSignOnSettings.query(on: db).filter(\.$organization.$id ~~ organizations)
            .filter(\.$enabled == true).filter(\.$passwordsAllowed == false).with(\.$organization).first()
    }
}

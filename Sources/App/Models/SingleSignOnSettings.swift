import Fluent
import Foundation

/// An organization's OpenID Connect provider for the console (`SingleSignOn/`). The client secret is stored only as
/// `SecretBox` ciphertext, like the SMTP and LDAP passwords.
final class SingleSignOnSettings: Model, @unchecked Sendable {
    static let schema = "sso_settings"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    /// Off: the settings are kept but nobody signs in through them (and passwords work whatever `passwordsAllowed` says).
    @Field(key: "enabled") var enabled: Bool
    /// What the sign-in button says: "Sign in with <provider_name>".
    @Field(key: "provider_name") var providerName: String
    /// The issuer identifier exactly as the provider's discovery document and ID tokens give it.
    @Field(key: "issuer") var issuer: String
    @Field(key: "client_id") var clientID: String
    @Field(key: "client_secret_ciphertext") var clientSecretCiphertext: String
    /// `EmailDomainList.text`: who may join just-in-time; empty: nobody new.
    @Field(key: "allowed_domains") var allowedDomains: String
    /// A verified person from an allowed domain without a membership becomes a Regular Member on first sign-in.
    @Field(key: "just_in_time") var justInTime: Bool
    /// False: this organization's members cannot sign in with a password (the CLI's password reset still can).
    @Field(key: "passwords_allowed") var passwordsAllowed: Bool

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// One sign-in through an identity provider between the redirect out and the callback: the `state` (stored as its
/// hash), the `nonce` and the PKCE verifier. A row is deleted by the callback that uses it, so a replayed `state`
/// finds nothing; rows live ten minutes.
final class SingleSignOnAttempt: Model, @unchecked Sendable {
    static let schema = "sso_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "state_hash") var stateHash: String
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "nonce") var nonce: String
    @Field(key: "code_verifier") var codeVerifier: String
    /// The join link being accepted, for a sign-in started on a join page: sealed with the server's `SecretBox`,
    /// since Herald otherwise stores only links' hashes.
    @OptionalField(key: "join_token_ciphertext") var joinTokenCiphertext: String?
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}

import Fluent
import Foundation

/// An account's confirmed TOTP authenticator (`TwoFactor`). The shared secret is `SecretBox` ciphertext, like SMTP
/// passwords; `last_used_step` is the time step of the last code accepted, so that a code works only once.
final class TwoFactorCredential: Model, @unchecked Sendable {
    static let schema = "two_factor_credentials"

    @ID(key: .id) var id: UUID?
    @Parent(key: "account_id") var account: Account
    @Field(key: "secret_ciphertext") var secretCiphertext: String
    @OptionalField(key: "last_used_step") var lastUsedStep: Int64?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(accountID: UUID, secretCiphertext: String, lastUsedStep: Int64?) {
        self.$account.id = accountID
        self.secretCiphertext = secretCiphertext
        self.lastUsedStep = lastUsedStep
    }
}

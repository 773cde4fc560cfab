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

/// One of the ten single-use recovery codes, stored as SHA-256 (`RecoveryCodes`); `used_at` once spent.
final class RecoveryCode: Model, @unchecked Sendable {
    static let schema = "two_factor_recovery_codes"

    @ID(key: .id) var id: UUID?
    @Parent(key: "account_id") var account: Account
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(accountID: UUID, codeHash: String) {
        self.$account.id = accountID
        self.codeHash = codeHash
    }
}

import Fluent
import Foundation

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

import Fluent
import SQLKit

/// Two-factor sign-in (#19): an account's TOTP credential, its recovery codes, and the organization's setting that
/// its account administrators must use it.
struct CreateTwoFactor: AsyncMigration {
    /// One authenticator per account: two tabs confirming at once cannot both enrol (`TwoFactor.enable`).
    static let uniqueAccount = "uq_two_factor_credentials_account"
    static let recoveryCodesAccountIndex = "ix_two_factor_recovery_codes_account"

    func prepare(on database: any Database) async throws {
        try await database.schema(TwoFactorCredential.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, "id", onDelete: .cascade))
            .field("secret_ciphertext", .string, .required)
            .field("last_used_step", .int64)
            .field("created_at", .datetime)
            .unique(on: "account_id", name: Self.uniqueAccount)
            .create()
        try await database.schema(RecoveryCode.schema)
            .id()
            .field("account_id", .uuid, .required, .references(Account.schema, "id", onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .create()
        try await database.sql.create(index: Self.recoveryCodesAccountIndex).on(RecoveryCode.schema).column("account_id").run()
        try await database.schema(Organization.schema)
            .field("require_admin_two_factor", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Organization.schema).deleteField("require_admin_two_factor").update()
        try await database.schema(RecoveryCode.schema).delete()
        try await database.schema(TwoFactorCredential.schema).delete()
    }
}

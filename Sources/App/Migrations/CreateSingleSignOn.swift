import Fluent
import SQLKit

/// Per-organization OpenID Connect settings (`SingleSignOnSettings`) and sign-ins under way (`SingleSignOnAttempt`).
struct CreateSingleSignOn: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SingleSignOnSettings.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("enabled", .bool, .required)
            .field("provider_name", .string, .required)
            .field("issuer", .string, .required)
            .field("client_id", .string, .required)
            .field("client_secret_ciphertext", .string, .required)
            .field("allowed_domains", .string, .required)
            .field("just_in_time", .bool, .required)
            .field("passwords_allowed", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", name: "uq_sso_settings_organization")
            .create()
        try await database.schema(SingleSignOnAttempt.schema)
            .id()
            .field("state_hash", .string, .required)
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("nonce", .string, .required)
            .field("code_verifier", .string, .required)
            .field("join_token_ciphertext", .string)
            .field("expires_at", .datetime, .required)
            .unique(on: "state_hash", name: "uq_sso_attempts_state")
            .create()
        try await database.sql.raw("CREATE INDEX ix_sso_attempts_expiry ON sso_attempts (expires_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SingleSignOnAttempt.schema).delete()
        try await database.schema(SingleSignOnSettings.schema).delete()
    }
}

import Fluent
import SQLKit

/// Seat counting reads active installations per key on every activation; and a code may take at most one seat,
/// which the unique index enforces even if a bug ever skipped the status check.
struct UpdateInstallationAddSeatIndexes: AsyncMigration {
    static let keyStatusIndex = "ix_installations_license_key_status"
    static let uniqueActivationCode = "uq_installations_activation_code"

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        try await sql.create(index: Self.keyStatusIndex).on(Installation.schema).column("license_key_id").column("status").run()
        try await sql.create(index: Self.uniqueActivationCode).unique().on(Installation.schema).column("activation_code_id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        try await sql.drop(index: Self.uniqueActivationCode).run()
        try await sql.drop(index: Self.keyStatusIndex).run()
    }
}

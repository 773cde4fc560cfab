import Fluent
import SQLKit

/// A code holds at most one seat at a time, not once ever: the machine that activated it may activate again after
/// an administrator deactivated it (a new installation, with a new certificate; the old one stays revoked). The
/// unique index on the code becomes a partial one over active installations, on SQLite and PostgreSQL alike.
struct UpdateInstallationOneActivePerCode: AsyncMigration {
    static let name = "uq_installations_active_code"

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        try await sql.drop(index: UpdateInstallationAddSeatIndexes.uniqueActivationCode).run()
        try await sql.raw("""
            CREATE UNIQUE INDEX \(ident: Self.name) ON \(ident: Installation.schema) (activation_code_id)
            WHERE status = \(literal: InstallationStatus.active.rawValue)
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        try await sql.drop(index: Self.name).run()
        try await sql.create(index: UpdateInstallationAddSeatIndexes.uniqueActivationCode).unique()
            .on(Installation.schema).column("activation_code_id").run()
    }
}

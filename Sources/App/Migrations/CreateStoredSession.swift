import Fluent
import SQLKit
import Vapor

/// Sessions with a creation and a last-use time, so they expire on the server. Replaces Vapor's `_fluent_sessions`,
/// whose rows are emptied: everyone signs in once more.
struct CreateStoredSession: AsyncMigration {
    static let seenIndex = "ix_browser_sessions_seen_at"
    static let createdIndex = "ix_browser_sessions_created_at"

    func prepare(on database: any Database) async throws {
        try await database.schema(StoredSession.schema)
            .id()
            .field("key", .string, .required)
            .field("data", .json, .required)
            .field("created_at", .datetime, .required)
            .field("seen_at", .datetime, .required)
            .unique(on: "key")
            .create()
        let sql = try database.sql
        try await sql.create(index: Self.seenIndex).on(StoredSession.schema).column("seen_at").run()
        try await sql.create(index: Self.createdIndex).on(StoredSession.schema).column("created_at").run()
        try await SessionRecord.query(on: database).delete()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(StoredSession.schema).delete()
    }
}

import FluentSQLiteDriver
import Foundation
import SQLKit

/// Multi-row INSERTs for the bulk paths (invitations, directory imports). Fluent's `[Model].create` spends most of its time turning
/// property wrappers into values; binding the same values directly stores exactly what Fluent would, several times
/// faster (BENCHMARKS.md, "Bulk install invitations"). Rows are still built as models, so the column names
/// below stay next to the fields they come from.
///
/// On SQLite the statement text is made once per shape and the values are bound as `SQLiteData` directly: the
/// insert loop is the critical path of a 100,000-person batch, and SQLKit's per-statement serialisation plus the
/// `Encodable` round trip of every value were a fifth of it. PostgreSQL goes through SQLKit.
package enum BulkInsert {
    /// A column value, typed so that both paths store exactly what Fluent stores (UUIDs as text on SQLite, dates
    /// as seconds since 1970).
    enum Value: Sendable {
        case text(String?)
        case uuid(UUID?)
        case date(Date?)
        case integer(Int)
        case bool(Bool)
        case blob(Data)

        var sqlite: SQLiteData {
            switch self {
            case .text(let value): value.map(SQLiteData.text) ?? .null
            case .uuid(let value): value.map { .text(UUIDText.string($0)) } ?? .null
            case .date(let value): value?.sqliteData ?? .null
            case .integer(let value): .integer(value)
            case .bool(let value): value.sqliteData ?? .null
            case .blob(let value): value.sqliteData ?? .null
            }
        }

        var bind: any SQLExpression {
            switch self {
            case .text(let value): SQLBind(value)
            case .uuid(let value): SQLBind(value)
            case .date(let value): SQLBind(value)
            case .integer(let value): SQLBind(value)
            case .bool(let value): SQLBind(value)
            case .blob(let value): SQLBind(value)
            }
        }
    }

    package static func invitations(_ rows: [Invitation], on db: any Database, now: Date) async throws {
        try await insert(Invitation.schema, [
            "id", "organization_id", "inviter_id", "batch_id", "kind", "email", "language", "status", "token_hash", "payload",
            "expires_at", "sent_at", "created_at", "updated_at",
        ], rows.map { row -> [Value] in
            [.uuid(row.id), .uuid(row.$organization.id), .uuid(row.$inviter.id), .uuid(row.batchID), .text(row.kind.stored),
             .text(row.email), .text(row.language), .text(row.status.stored), .text(row.tokenHash), .text(row.payload),
             .date(row.expiresAt), .date(row.sentAt), .date(now), .date(now)]
        }, on: db)
    }

    static func activationCodes(_ rows: [ActivationCodeRecord], on db: any Database, now: Date) async throws {
        try await insert(ActivationCodeRecord.schema, [
            "id", "invitation_id", "license_key_id", "code_hash", "status", "expires_at", "created_at",
        ], rows.map { row -> [Value] in
            [.uuid(row.id), .uuid(row.$invitation.id), .uuid(row.$licenseKey.id), .text(row.codeHash), .text(row.status.stored),
             .date(row.expiresAt), .date(now)]
        }, on: db)
    }

    static func outboxMessages(_ rows: [OutboxMessage], on db: any Database, now: Date) async throws {
        try await insert(OutboxMessage.schema, [
            "id", "organization_id", "invitation_id", "batch_id", "status", "mail_from", "recipients", "message_id", "subject",
            "raw", "attempts", "next_attempt_at", "created_at", "updated_at",
        ], rows.map { row -> [Value] in
            [.uuid(row.id), .uuid(row.$organization.id), .uuid(row.$invitation.id), .uuid(row.batchID), .text(row.status.stored),
             .text(row.mailFrom), .text(row.recipients), .text(row.messageID), .text(row.subject), .blob(row.raw),
             .integer(row.attempts), .date(row.nextAttemptAt), .date(now), .date(now)]
        }, on: db)
    }

    static func directoryUsers(_ rows: [DirectoryUser], on db: any Database, now: Date) async throws {
        try await insert(DirectoryUser.schema, ["id", "organization_id", "name", "email", "enabled", "source", "created_at", "updated_at"],
                         rows.map { row -> [Value] in
            [.uuid(row.id), .uuid(row.$organization.id), .text(row.name), .text(row.email), .bool(row.enabled), .text(row.source.rawValue),
             .date(now), .date(now)]
        }, on: db)
    }

    /// A person a directory sync found that Herald did not have yet (`LDAPSyncUsers`): written straight from the
    /// entry, since a Fluent model per person cost a tenth of a first sync of 100,000 (BENCHMARKS.md).
    struct NewSyncedUser {
        let id: UUID
        let user: SyncedUser
    }

    static func syncedDirectoryUsers(_ rows: [NewSyncedUser], organizationID: UUID, on db: any Database, now: Date) async throws {
        let reason = "disabled in the directory"
        try await insert(DirectoryUser.schema, ["id", "organization_id", "name", "email", "enabled", "source", "external_id", "user_name",
                                                "display_name", "deactivated_at", "deactivated_reason", "version", "created_at", "updated_at"],
                         rows.map { row -> [Value] in
            let user = row.user
            return [.uuid(row.id), .uuid(organizationID), .text(user.name), .text(user.email), .bool(user.enabled), .text(DirectorySource.ldap.rawValue),
                    .text(user.externalID), .text(user.userName), .text(user.name), .date(user.enabled ? nil : now), .text(user.enabled ? nil : reason),
                    .integer(1), .date(now), .date(now)]
        }, on: db)
    }

    static func directoryMemberships(_ edges: [(group: UUID, user: UUID)], on db: any Database) async throws {
        try await directoryGroupEdges(edges.map { GroupEdge(group: $0.group, user: $0.user) }, on: db)
    }

    /// One edge of the group graph: the group contains a user or another group.
    struct GroupEdge: Hashable {
        let group: UUID
        var user: UUID? = nil
        var memberGroup: UUID? = nil
    }

    static func directoryGroupEdges(_ edges: [GroupEdge], on db: any Database) async throws {
        try await insert(DirectoryGroupMember.schema, ["id", "group_id", "user_id", "member_group_id"], edges.map { edge -> [Value] in
            [.uuid(UUID.timeOrdered()), .uuid(edge.group), .uuid(edge.user), .uuid(edge.memberGroup)]
        }, on: db)
    }

    /// Groups a directory sync found that Herald did not have yet (`LDAPSyncGroups`).
    static func syncedDirectoryGroups(_ rows: [DirectoryGroup], on db: any Database, now: Date) async throws {
        try await insert(DirectoryGroup.schema, ["id", "organization_id", "name", "source", "external_id", "version", "created_at", "updated_at"],
                         rows.map { row -> [Value] in
            [.uuid(row.id), .uuid(row.$organization.id), .text(row.name), .text(row.source.rawValue), .text(row.externalID),
             .integer(row.version), .date(now), .date(now)]
        }, on: db)
    }

    /// The random token and code hashes land all over their unique indexes. With SQLite's default 2 MB page
    /// cache, 100,000 of them make it spill dirty index pages to the WAL again and again within one transaction;
    /// 16 MB holds most of the indexes of a 100,000-person batch. Per connection, and only ever raised.
    /// (`temp_store = MEMORY` was tried and left out: BENCHMARKS.md, "Bulk install invitations".)
    static func prepareConnection(_ db: any Database) async throws {
        let sql = try db.sql
        if sql.dialect.name == "sqlite" { try await sql.raw("PRAGMA cache_size = -16384").run() }
    }

    /// 500 rows × 14 columns stays under SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
    static func insert(_ table: String, _ columns: [String], _ rows: [[Value]], on db: any Database) async throws {
        for chunk in rows.chunked(500) {
            if let sqlite = db as? any SQLiteDatabase {
                let statement = sqliteStatement(table, columns, rows: chunk.count)
                _ = try await sqlite.query(statement, chunk.flatMap { $0.map(\.sqlite) })
            } else {
                var builder = try db.sql.insert(into: table).columns(columns)
                for row in chunk { builder = builder.values(row.map(\.bind)) }
                try await builder.run()
            }
        }
    }

    /// `INSERT INTO "table" ("a", "b") VALUES (?, ?), (?, ?) …` for SQLite (identifiers are Herald's own).
    static func sqliteStatement(_ table: String, _ columns: [String], rows: Int) -> String {
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \"\(table)\" (\(names)) VALUES " + Array(repeating: tuple, count: rows).joined(separator: ", ")
    }
}

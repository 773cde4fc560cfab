import Fluent
import Foundation
import SQLKit

/// The columns of a directory person that a sync compares with its entry, read as a plain row: decoding 100,000
/// Fluent models only to find them unchanged was most of an unchanged sync's time (BENCHMARKS.md, directory sync).
struct StoredDirectoryUser {
    let id: UUID
    let externalID: String?
    let email: String
    let name: String
    let userName: String?
    let enabled: Bool
    let source: DirectorySource
    let removed: Bool

    /// Whether the record already says what the entry says: nothing to write.
    func matches(_ user: SyncedUser) -> Bool {
        name == user.name && email == user.email && userName == user.userName && enabled == user.enabled
            && source == .ldap && externalID == user.externalID && !removed
    }

    static let columns = ["id", "external_id", "email", "name", "user_name", "enabled", "source", "removed_at"]

    /// The organization's people whose `column` is one of `values` (at most a page: SQLite binds up to 32,766).
    static func all(organizationID: UUID, column: String, in values: [String], on db: any Database) async throws -> [StoredDirectoryUser] {
        try await db.sql.select().columns(columns.map { SQLIdentifier($0) }).from(DirectoryUser.schema)
            .where("organization_id", .equal, organizationID).where(column, .in, values)
            .all().map(StoredDirectoryUser.init(row:))
    }
}

extension StoredDirectoryUser {
    init(row: any SQLRow) throws {
        id = try row.decodeUUID(column: "id")
        externalID = try row.decode(column: "external_id", as: String?.self)
        email = try row.decode(column: "email", as: String.self)
        name = try row.decode(column: "name", as: String.self)
        userName = try row.decode(column: "user_name", as: String?.self)
        enabled = try row.decode(column: "enabled", as: Bool.self)
        source = DirectorySource(rawValue: try row.decode(column: "source", as: String.self)) ?? .manual
        removed = try row.decode(column: "removed_at", as: Date?.self) != nil
    }
}

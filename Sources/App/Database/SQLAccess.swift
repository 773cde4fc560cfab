import FluentKit
import SQLKit

extension Database {
    /// The same database seen through SQLKit, for the queries Fluent's builder cannot express (locks, joins,
    /// `UPDATE ... RETURNING`, index creation). Herald registers only SQL drivers (SQLite, PostgreSQL), so the
    /// error is a configuration mistake; it throws rather than traps so that a request fails alone.
    package var sql: any SQLDatabase {
        get throws {
            guard let sql = self as? any SQLDatabase else { throw NotSQLDatabase() }
            return sql
        }
    }
}

/// Thrown by `Database.sql` when a Fluent driver without SQL was configured.
struct NotSQLDatabase: Error, CustomStringConvertible {
    var description: String { "the configured database driver does not speak SQL" }
}

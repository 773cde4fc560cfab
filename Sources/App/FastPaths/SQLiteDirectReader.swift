import Logging
import NIOConcurrencyHelpers
import NIOCore
import SQLiteKit
import SQLKit
import SQLiteTuning
// SQLiteNIO's vendored SQLite (its symbols prefixed `sqlite_nio_`): the same library the rest of Herald uses
// through Fluent, so both sides agree on file format, WAL and locking. Not a product of sqlite-nio, but a module of
// the package Herald already builds; only this file touches it.
import VaporCSQLite

/// Read-only SQLite connections that answer a single-row lookup on the calling thread.
///
/// SQLiteNIO runs every statement on a thread pool and hands the result back through the event loop, and
/// parses the SQL again each time. For the invitee hot paths (a join link opened, a product re-activating) that
/// round trip was most of the request (BENCHMARKS.md, "Invitee endpoints under load"), while a lookup by an indexed
/// hash reads a handful of cached pages.
///
/// Safe next to Fluent's writer because the file is in WAL mode: a reader never waits for the writer and each
/// statement sees everything committed before it started. Statements are reset as soon as their row is read, so
/// no snapshot stays open to hold back checkpoints.
final class SQLiteDirectReader: Sendable {
    private let path: String
    private let logger: Logger
    /// Idle connections; a reader takes one, or opens one when none is idle, and puts it back.
    private let idle = NIOLockedValueBox<[Connection]>([])
    private static let maximumIdle = 8

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    /// The first row of `sql` with `binds` as its `$1`, `$2`… parameters, or nil when it has none.
    func first(_ sql: String, _ binds: [String]) throws -> (any SQLRow)? {
        let connection = try idle.withLockedValue { $0.popLast() } ?? Connection(path: path)
        do {
            let row = try connection.first(sql, binds)
            idle.withLockedValue { if $0.count < Self.maximumIdle { $0.append(connection) } }
            return row
        } catch {
            // A connection that failed is dropped (closed by its deinit), never reused.
            logger.warning("direct SQLite read failed: \(error)")
            throw error
        }
    }
}

struct SQLiteDirectReadError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
}

/// One read-only handle and its prepared statements. Used by one thread at a time (it is taken out of the idle
/// list while in use), hence no SQLite mutex.
private final class Connection: @unchecked Sendable {
    private let handle: OpaquePointer
    private var statements: [String: Statement] = [:]

    private struct Statement {
        let handle: OpaquePointer
        let columns: [String]
        /// Where `$1`, `$2`… sit: SQLite numbers named parameters in order of appearance, not by their names.
        let parameters: [Int32]
    }

    init(path: String) throws {
        var handle: OpaquePointer?
        let opened = sqlite_nio_sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard opened == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "cannot open \(path)"
            sqlite_nio_sqlite3_close(handle)
            throw SQLiteDirectReadError(code: opened, message: message)
        }
        self.handle = handle
        // A WAL reader waits only while another connection recovers the log: rare and short.
        sqlite_nio_sqlite3_busy_timeout(handle, 2_000)
        // Plans that do not depend on bound values. Without this SQLite marked the lookups' parameters as
        // plan-relevant (while checking which indexes apply) and parsed and planned each statement again whenever
        // a new value was bound, i.e. on every request: 5 % of the join page's time.
        _ = herald_sqlite_enable_qpsg(UnsafeMutableRawPointer(handle))
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.handle) }
        sqlite_nio_sqlite3_close(handle)
    }

    func first(_ sql: String, _ binds: [String]) throws -> (any SQLRow)? {
        let statement = try prepared(sql)
        defer {
            sqlite_nio_sqlite3_reset(statement.handle)
            sqlite_nio_sqlite3_clear_bindings(statement.handle)
        }
        guard binds.count == statement.parameters.count else {
            throw SQLiteDirectReadError(code: SQLITE_RANGE, message: "\(binds.count) values for \(statement.parameters.count) parameters")
        }
        for (index, value) in zip(statement.parameters, binds) {
            try check(sqlite_nio_sqlite3_bind_text(statement.handle, index, value, -1, transient))
        }
        let stepped = sqlite_nio_sqlite3_step(statement.handle)
        switch stepped {
        case SQLITE_ROW:
            let values = (0..<Int32(statement.columns.count)).map { value(statement.handle, column: $0) }
            return DirectRow(columns: statement.columns, values: values)
        case SQLITE_DONE:
            return nil
        case let code:
            throw SQLiteDirectReadError(code: code, message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
        }
    }

    private func prepared(_ sql: String) throws -> Statement {
        if let statement = statements[sql] { return statement }
        var prepared: OpaquePointer?
        try check(sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil))
        guard let prepared else { throw SQLiteDirectReadError(code: SQLITE_MISUSE, message: "no statement in: \(sql)") }
        let columns = (0..<sqlite_nio_sqlite3_column_count(prepared)).map { String(cString: sqlite_nio_sqlite3_column_name(prepared, $0)) }
        let parameters = (0..<sqlite_nio_sqlite3_bind_parameter_count(prepared)).map {
            sqlite_nio_sqlite3_bind_parameter_index(prepared, "$\($0 + 1)")
        }
        guard !parameters.contains(0) else {
            sqlite_nio_sqlite3_finalize(prepared)
            throw SQLiteDirectReadError(code: SQLITE_MISUSE, message: "parameters must be $1, $2… in: \(sql)")
        }
        let statement = Statement(handle: prepared, columns: columns, parameters: parameters)
        statements[sql] = statement
        return statement
    }

    /// The column as SQLiteNIO would have read it, so `SQLiteDataDecoder` decodes it exactly as Fluent does.
    private func value(_ statement: OpaquePointer, column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .null }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: count)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: count))
            }
            return .blob(buffer)
        default: return .null
        }
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else {
            throw SQLiteDirectReadError(code: code, message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
        }
    }

    /// SQLite copies the bound text (SQLITE_TRANSIENT, a macro Swift cannot import).
    private var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }
}

/// A row read by `SQLiteDirectReader`, decoded like the rows SQLiteKit hands to SQLKit.
private struct DirectRow: SQLRow {
    let columns: [String]
    let values: [SQLiteData]

    var allColumns: [String] { columns }

    func contains(column: String) -> Bool { columns.contains(column) }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.firstIndex(of: column) else { return true }
        return values[index] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns.firstIndex(of: column) else {
            throw SQLiteDirectReadError(code: SQLITE_RANGE, message: "no column \(column) in the row")
        }
        // Text columns are most of what these lookups read; SQLiteDataDecoder would give the same strings.
        switch values[index] {
        case .text(let text) where D.self == String.self || D.self == String?.self: return Optional(text) as! D
        case .null where D.self == String?.self: return String?.none as! D
        case let value: return try SQLiteDataDecoder().decode(D.self, from: value)
        }
    }
}

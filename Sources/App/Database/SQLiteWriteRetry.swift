import FluentKit
import FluentSQLiteDriver
import Logging
import NIOCore
import SQLKit
import SQLiteNIO

/// Transactions on SQLite that meet another writer are run again instead of failing.
///
/// Fluent opens SQLite transactions as `BEGIN` (deferred): a transaction that reads first and writes later holds a
/// read snapshot, and when another connection commits in between, its first write cannot take the write lock
/// without losing that snapshot. SQLite then answers `SQLITE_BUSY` ("database is locked", or `busyInSnapshot`) at
/// once, without consulting the busy handler. Ordinary concurrency (30 parallel resends, resends while the delivery
/// worker records outcomes, two organizations importing) ended in 500s that way. The transaction was rolled back,
/// so running it again from the start on a fresh snapshot is safe; a few attempts with a short growing pause are
/// enough because SQLite's writes are short (imports write in bounded slices: see `DirectoryImport`).
///
/// Writers of this process do not race each other at all: every transaction and every write outside one takes its
/// turn in `WriteQueue`, first come first served, so the retry is for writers of other processes (a `herald`
/// command on the same file). Queuing single writes matters as much as queuing transactions: SQLiteNIO runs every
/// SQLite call on NIO's blocking thread pool (as many threads as cores) and its busy handler waits for the write
/// lock without end, so on a two-core machine two writes waiting for a transaction's lock took both threads, the
/// transaction could never run its COMMIT, and every database access of the process stopped.
///
/// Installed once, around the SQLite driver (`configure.swift`), so every `db.transaction` everywhere gets it.
enum SQLiteWriteRetry {
    static let attempts = 8

    static func isBusy(_ error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        return [.busy, .locked, .busyInSnapshot, .busyTimeout, .busyInRecovery, .lockedBySharedCache].contains(error.reason)
    }

    static func retrying<T>(logger: Logger, _ body: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch where isBusy(error) && attempt < attempts {
                logger.debug("SQLite transaction met another writer; running it again", metadata: ["attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(5 << attempt))
                attempt += 1
            }
        }
    }

    /// The SQLite configuration, with every database it makes wrapped.
    struct Configuration: DatabaseConfiguration {
        var base: any DatabaseConfiguration
        /// The application's queue of writers (`WriteQueue`), which its `SeatLock` shares.
        let queue: WriteQueue

        var middleware: [any AnyModelMiddleware] {
            get { base.middleware }
            set { base.middleware = newValue }
        }

        func makeDriver(for databases: Databases) -> any DatabaseDriver {
            Driver(base: base.makeDriver(for: databases), queue: queue)
        }
    }

    struct Driver: DatabaseDriver {
        let base: any DatabaseDriver
        let queue: WriteQueue

        func makeDatabase(with context: DatabaseContext) -> any Database {
            RetryingSQLiteDatabase(base.makeDatabase(with: context), queue: queue)
        }

        func shutdown() { base.shutdown() }
        func shutdownAsync() async { await base.shutdownAsync() }
    }
}

/// Fluent's SQLite database with `transaction` retried on SQLITE_BUSY; everything else is passed through, including
/// the SQLKit and SQLiteNIO interfaces that `BulkInsert` and raw queries use.
struct RetryingSQLiteDatabase: Database, SQLDatabase, SQLiteDatabase {
    let base: any Database & SQLDatabase & SQLiteDatabase
    let queue: WriteQueue

    /// Set on the connection a caller has taken the write lock on itself while holding the queue's turn
    /// (`SeatLock`'s `BEGIN IMMEDIATE`): its writes must not queue behind that same turn. The queue's own record of
    /// who holds a turn is task-local, and Fluent runs a connection's closure in a new task that does not inherit it.
    let holdsTurn: Bool

    init(_ database: any Database, queue: WriteQueue, holdsTurn: Bool = false) {
        // The wrapped driver is Fluent's SQLite driver, whose databases are all three.
        base = database as! any Database & SQLDatabase & SQLiteDatabase
        self.queue = queue
        self.holdsTurn = holdsTurn
    }

    /// This connection, marked as holding the write turn (see `holdsTurn`).
    func holdingTurn() -> RetryingSQLiteDatabase { RetryingSQLiteDatabase(base, queue: queue, holdsTurn: true) }

    // Database

    var context: DatabaseContext { base.context }
    var inTransaction: Bool { base.inTransaction }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        switch query.action {
        case .read, .aggregate: base.execute(query: query, onOutput: onOutput)
        default: inTurn { base in base.execute(query: query, onOutput: onOutput) }
        }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> { inTurn { $0.execute(schema: schema) } }
    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { base.execute(enum: `enum`) }

    func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        // A nested transaction is part of the outer one: only the outermost is run again.
        // A connection that holds the turn runs it at once too: queuing would wait for itself.
        guard !base.inTransaction, !holdsTurn else {
            return base.transaction { closure(RetryingSQLiteDatabase($0, queue: queue, holdsTurn: holdsTurn)) }
        }
        let base = self.base
        return base.eventLoop.makeFutureWithTask {
            try await SQLiteWriteRetry.retrying(logger: base.logger) {
                // Each attempt waits its turn behind the writers already queued (`WriteQueue`), and lets them go
                // first while it pauses.
                try await queue.run(key: WriteQueue.sqliteFile) {
                    try await base.transaction { closure(RetryingSQLiteDatabase($0, queue: queue)) }.get()
                }
            }
        }
    }

    func withConnection<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.withConnection { closure(RetryingSQLiteDatabase($0, queue: queue, holdsTurn: holdsTurn)) }
    }

    // SQLDatabase

    var logger: Logger { (base as any SQLDatabase).logger }
    var eventLoop: any EventLoop { (base as any SQLDatabase).eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        guard isWrite(query) else { return base.execute(sql: query, onRow) }
        return inTurn { base in base.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        guard isWrite(query) else { return try await base.execute(sql: query, onRow) }
        try await inTurn { try await $0.execute(sql: query, onRow) }
    }

    // SQLiteDatabase

    func query(_ query: String, _ binds: [SQLiteData], logger: Logger, _ onRow: @escaping @Sendable (SQLiteRow) -> Void) -> EventLoopFuture<Void> {
        guard Self.isWrite(query) else { return base.query(query, binds, logger: logger, onRow) }
        return inTurn { base in base.query(query, binds, logger: logger, onRow) }
    }

    // Turns

    /// Runs a write outside a transaction in the application's queue of writers; inside a transaction, or in a task
    /// that already has the turn (`SeatLock`), at once.
    private func inTurn(_ write: @escaping @Sendable (any Database & SQLDatabase & SQLiteDatabase) -> EventLoopFuture<Void>) -> EventLoopFuture<Void> {
        guard !base.inTransaction, !holdsTurn else { return write(base) }
        let base = self.base, queue = self.queue
        return base.eventLoop.makeFutureWithTask { try await queue.run(key: WriteQueue.sqliteFile) { try await write(base).get() } }
    }

    private func inTurn(_ write: @Sendable (any Database & SQLDatabase & SQLiteDatabase) async throws -> Void) async throws {
        guard !base.inTransaction, !holdsTurn else { return try await write(base) }
        try await queue.run(key: WriteQueue.sqliteFile) { try await write(base) }
    }

    /// Everything but a query is a write: statements built as selects are known reads, and raw text is judged by
    /// its first word.
    private func isWrite(_ query: any SQLExpression) -> Bool {
        if query is SQLSelect || query is SQLUnion { return false }
        var serializer = SQLSerializer(database: base)
        query.serialize(to: &serializer)
        return Self.isWrite(serializer.sql)
    }

    static func isWrite(_ sql: String) -> Bool {
        let firstWord = sql.drop { $0.isWhitespace || $0 == "(" }.prefix { $0.isLetter }.uppercased()
        return !["SELECT", "EXPLAIN", "VALUES"].contains(firstWord)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (SQLiteConnection) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.withConnection(closure)
    }
}

import Fluent
import SQLKit

/// Single-row lookups on the paths invitees and products hit most: a join link opened, an activation repeated.
///
/// On SQLite they are read on the calling thread through `SQLiteDirectReader` (no thread-pool round trip, the
/// statement prepared once per connection); on PostgreSQL through SQLKit on the request's database, where a query is
/// a network round trip anyway. One SQL text serves both: its parameters are written `$1`, `$2`…, which PostgreSQL
/// reads as positional parameters and SQLite as named ones.
struct HotReads: Sendable {
    let direct: SQLiteDirectReader?

    init(direct: SQLiteDirectReader?) {
        self.direct = direct
    }

    init(database: Configuration.Database, logger: Logger) {
        switch database {
        case .sqlite(let path): direct = SQLiteDirectReader(path: path, logger: logger)
        case .postgres: direct = nil
        }
    }

    /// `db` is only evaluated on PostgreSQL: making a request's `req.db` is itself measurable on these paths.
    func first(_ sql: String, _ binds: [String], on db: @autoclosure () -> any Database) async throws -> (any SQLRow)? {
        if let direct { return try direct.first(sql, binds) }
        return try await db().sql.raw(Self.queryString(sql, binds)).first()
    }

    /// Whether `firstOnThisThread` can answer (SQLite): callers that can finish without suspending use it to answer
    /// on the event loop without starting a task.
    var readsOnThisThread: Bool { direct != nil }

    func firstOnThisThread(_ sql: String, _ binds: [String]) throws -> (any SQLRow)? {
        guard let direct else { preconditionFailure("firstOnThisThread needs SQLite: check readsOnThisThread") }
        return try direct.first(sql, binds)
    }

    /// `sql` for SQLKit: each `$n` becomes a bind of `binds[n - 1]`, so SQLKit's dialect writes its own placeholder.
    static func queryString(_ sql: String, _ binds: [String]) -> SQLQueryString {
        var query = SQLQueryString("")
        var rest = Substring(sql)
        while let dollar = rest.firstIndex(of: "$") {
            let digits = rest[rest.index(after: dollar)...].prefix(while: \.isASCIIDigit)
            guard let number = Int(digits), (1...binds.count).contains(number) else {
                query.appendLiteral(String(rest[...dollar]))
                rest = rest[rest.index(after: dollar)...]
                continue
            }
            query.appendLiteral(String(rest[..<dollar]))
            query.appendInterpolation(bind: binds[number - 1])
            rest = rest[digits.endIndex...]
        }
        query.appendLiteral(String(rest))
        return query
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

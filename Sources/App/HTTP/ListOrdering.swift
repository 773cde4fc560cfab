import Fluent
import FluentSQL
import Foundation
import SQLKit

/// How one list is ordered for keyset paging: one indexed column, then the id to break ties, both the same way.
///
/// A page after a cursor reads `column <= X AND (column < X OR id < cursor.id)` (for a descending order), where X is
/// the cursor row's own value read by the database itself (a primary-key lookup). The value never makes a round trip
/// through Swift's `Date`, which rounds SQLite's stored seconds to microseconds and PostgreSQL's microseconds to a
/// binary fraction: rows written in one bulk insert share a timestamp exactly, and an approximate X would skip or
/// repeat them at a page boundary. The first conjunct is a plain range on the index; the second only sorts out the
/// rows that share the cursor's value. The value kept in the cursor stands in only when that row has been deleted.
struct ListOrdering<Row: Model>: Sendable where Row.IDValue == UUID {
    enum Kind: Sendable {
        case date
        /// Compared byte by byte on both databases ("C" collation on PostgreSQL, SQLite's default), so that an email
        /// prefix is one index range and the order does not depend on the server's locale.
        case bytes
        /// Compared in the database's own collation (names people read in order).
        case text
    }

    /// Names the ordering inside cursors: a cursor of one ordering is refused by another.
    let name: String
    let column: String
    let kind: Kind
    let descending: Bool
    /// The row's value of `column`, for the cursor (used only if the row is gone when the cursor comes back).
    let value: @Sendable (Row) -> ListCursor.Value?

    /// One page of `query` from `cursor` on (the list's start without one), at most `limit` rows.
    func page(_ query: QueryBuilder<Row>, from cursor: ListCursor?, limit: Int) async throws -> ListPage<Row> {
        let fetched = try await pageQuery(query, from: cursor, limit: limit).all()
        let backward = cursor?.direction == .backward
        let more = fetched.count > limit
        var rows = Array(fetched.prefix(limit))
        if backward { rows.reverse() }
        func position(at row: Row?, _ direction: ListCursor.Direction) throws -> ListCursor? {
            guard let row, let value = value(row) else { return nil }
            return ListCursor(ordering: name, id: try row.requireID(), value: value, direction: direction)
        }
        // Forward: a next page if more rows were read, a previous one if this page did not start the list. Backward:
        // the other way round (the page we came back from is always there).
        let hasNext = backward ? true : more
        let hasPrevious = backward ? more : cursor != nil
        return ListPage(rows: rows, next: hasNext ? try position(at: rows.last, .forward) : nil,
                        previous: hasPrevious ? try position(at: rows.first, .backward) : nil)
    }

    /// The query that reads the page: `query` with the cursor's condition, the order and one row more than `limit`
    /// (to know whether another page follows without counting). Going back reads towards the start in reverse
    /// order; `page` turns the rows round.
    func pageQuery(_ query: QueryBuilder<Row>, from cursor: ListCursor?, limit: Int) throws -> QueryBuilder<Row> {
        let query = query.copy()
        let readDescending = descending != (cursor?.direction == .backward)
        let dialect = try query.database.sql.dialect.name
        let table = Row.schema
        let own = columnSQL(table: table, dialect: dialect)
        let id: SQLQueryString = "\(ident: table).\(ident: "id")"
        if let cursor {
            let op = SQLQueryString(readDescending ? "<" : ">")
            let fallback: any Encodable & Sendable = switch cursor.value {
            case .date(let date): date
            case .text(let text): text
            }
            let lookup: SQLQueryString = "SELECT \(columnSQL(table: "k", dialect: dialect)) FROM \(ident: table) AS \(ident: "k")"
            let bound: SQLQueryString = "COALESCE((\(lookup) WHERE \(ident: "k").\(ident: "id") = \(bind: cursor.id)), \(bind: fallback))"
            query.filter(.sql(embed: "(\(own) \(op)= \(bound) AND (\(own) \(op) \(bound) OR \(id) \(op) \(bind: cursor.id)))"))
        }
        let direction = SQLQueryString(readDescending ? "DESC" : "ASC")
        return query.sort(.sql(embed: "\(own) \(direction)")).sort(.sql(embed: "\(id) \(direction)")).limit(limit + 1)
    }

    /// The column as the ordering compares it; `table` qualifies it (the list's table, or the cursor lookup's alias).
    func columnSQL(table: String, dialect: String) -> SQLQueryString {
        let column: SQLQueryString = "\(ident: table).\(ident: self.column)"
        return kind == .bytes && dialect == "postgresql" ? column + SQLQueryString(" COLLATE \"C\"") : column
    }
}

/// One page of a list, with the cursors of its neighbours (nil at either end).
struct ListPage<Row: Sendable>: Sendable {
    let rows: [Row]
    let next: ListCursor?
    let previous: ListCursor?
}

extension ListOrdering {
    /// Newest first by `created_at`, the order of most lists.
    static func newestFirst(_ name: String, createdAt: KeyPath<Row, TimestampProperty<Row, DefaultTimestampFormat>>) -> Self {
        ListOrdering(name: name, column: "created_at", kind: .date, descending: true) { row in
            row[keyPath: createdAt].wrappedValue.map(ListCursor.Value.date)
        }
    }

    /// Rows whose `column` starts with `prefix` (compared byte by byte, so one index range serves it).
    func prefix(_ prefix: String, of query: QueryBuilder<Row>) throws -> QueryBuilder<Row> {
        let dialect = try query.database.sql.dialect.name
        let own = columnSQL(table: Row.schema, dialect: dialect)
        // U+10FFFF sorts after every character a prefix can be followed by, in UTF-8 byte order.
        return query.filter(.sql(embed: "(\(own) >= \(bind: prefix) AND \(own) < \(bind: prefix + "\u{10FFFF}"))"))
    }
}

import Fluent
import Foundation
import Vapor

/// `?from=` and `?to=`: the days a list's rows were created on, both inclusive, as `YYYY-MM-DD` in UTC (what a date
/// field sends). Read as one range on the list's sort column, so the filter is part of the index scan.
struct CreatedRange: Encodable, Sendable, Equatable {
    /// A page's form shows the days as typed.
    private enum CodingKeys: String, CodingKey { case fromText = "from", toText = "to" }

    /// The first instant included, and the first instant after the range.
    let from: Date?
    let before: Date?
    /// As typed, for the form's fields and the export link.
    let fromText: String
    let toText: String

    init(_ req: Request) throws(Abort) {
        fromText = try req.queryText("from", maximumLength: 10)
        toText = try req.queryText("to", maximumLength: 10)
        from = try Self.day(fromText, field: "from")?.start
        before = try Self.day(toText, field: "to")?.endOfDay
        if let from, let before, from >= before { throw Abort(.badRequest, reason: "to: must not be before from") }
    }

    /// `query` narrowed to the range on its creation time.
    func filter<Row: Model>(_ query: QueryBuilder<Row>, on createdAt: KeyPath<Row, TimestampProperty<Row, DefaultTimestampFormat>>) -> QueryBuilder<Row> {
        var query = query
        if let from { query = query.filter(createdAt >= from) }
        if let before { query = query.filter(createdAt < before) }
        return query
    }

    private static func day(_ text: String, field: String) throws(Abort) -> CalendarDay? {
        guard !text.isEmpty else { return nil }
        guard let day = CalendarDay(text) else { throw Abort(.badRequest, reason: "\(field): must be a date written YYYY-MM-DD") }
        return day
    }
}

import Fluent
import Foundation
import SQLKit
import Vapor

/// Invitations sent and accepted per day (UTC) over the last `days` days, today included, counted by the
/// database (GROUP BY day) so the cost does not grow with the rows in the window beyond one index range scan.
enum DailyInvitations {
    struct Day: Content, Equatable {
        /// `yyyy-MM-dd`, UTC.
        let date: String
        let sent: Int
        let accepted: Int
    }

    static func days(organizationID: UUID, on db: any Database, days count: Int = 30, now: Date = Date()) async throws -> [Day] {
        let start = startOfDayUTC(now).addingTimeInterval(-86_400 * Double(count - 1))
        let end = start.addingTimeInterval(86_400 * Double(count))
        async let sent = counts(of: "sent_at", organizationID: organizationID, from: start, to: end, on: db)
        async let accepted = counts(of: "accepted_at", organizationID: organizationID, from: start, to: end, on: db)
        let (sentByDay, acceptedByDay) = try await (sent, accepted)
        return (0..<count).map { index in
            Day(date: dateLabel(start.addingTimeInterval(86_400 * Double(index))), sent: sentByDay[index] ?? 0, accepted: acceptedByDay[index] ?? 0)
        }
    }

    /// Counts per day index (0 = `start`'s day) of rows whose `column` falls in [start, end).
    private static func counts(of column: String, organizationID: UUID, from start: Date, to end: Date, on db: any Database) async throws -> [Int: Int] {
        let sql = try db.sql
        // SQLite stores Fluent dates as seconds since 1970 (a REAL); PostgreSQL as timestamptz.
        let day: SQLQueryString = sql.dialect.name == "postgresql"
            ? "CAST(FLOOR(EXTRACT(EPOCH FROM (\(ident: column) - \(bind: start))) / 86400) AS INTEGER)"
            : "CAST((\(ident: column) - \(bind: start)) / 86400 AS INTEGER)"
        let rows = try await sql.raw("""
            SELECT \(day) AS day, COUNT(*) AS n FROM invitations
            WHERE organization_id = \(bind: organizationID) AND \(ident: column) >= \(bind: start) AND \(ident: column) < \(bind: end)
            GROUP BY 1
            """).all()
        var result: [Int: Int] = [:]
        for row in rows {
            result[try row.decode(column: "day", as: Int.self), default: 0] += try row.decode(column: "n", as: Int.self)
        }
        return result
    }

    static func startOfDayUTC(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }

    static func dateLabel(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
    }
}

import Fluent
import Foundation
import HeraldCore
import SQLKit
import Vapor

/// `GET /metrics` for Prometheus. Server-wide figures, no organization's data: counts and latencies only.
struct MetricsController {
    /// The exposition format's media type; written as a string because HTTPMediaType orders parameters itself.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    func scrape(_ req: Request) async throws -> Response {
        if let expected = req.herald.configuration.metricsToken {
            // Compared in constant time, so response timing does not reveal how much of a guess was right.
            guard TokenGenerator.constantTimeEquals(req.headers.bearerAuthorization?.token ?? "", expected) else {
                throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer realm=\"metrics\""], reason: "metrics: send Authorization: Bearer <HERALD_METRICS_TOKEN>")
            }
        }
        try await Self.recordOutbox(on: req.db)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: Self.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: HeraldMetrics.exposition()))
    }

    /// Outbox depth, queried at scrape time so every instance sharing a database reports the same truth.
    /// Sent messages are not counted (they are the bulk of the table; `herald_deliveries_total` covers them),
    /// which keeps this on the (status, next_attempt_at) index.
    static func recordOutbox(on db: any Database, now: Date = Date()) async throws {
        let rows = try await db.sql.raw("""
            SELECT status, COUNT(*) AS n,
                MIN(CASE WHEN status IN ('queued', 'deferred') AND next_attempt_at <= \(bind: now) THEN next_attempt_at END) AS oldest_due
            FROM outbox_messages WHERE status IN ('queued', 'sending', 'deferred', 'failed')
            GROUP BY status
            """).all()
        var counts: [OutboxStatus: Int] = [:]
        var oldestDue: Date?
        for row in rows {
            counts[try row.decode(column: "status", as: OutboxStatus.self)] = try row.decode(column: "n", as: Int.self)
            if let due = try row.decode(column: "oldest_due", as: Date?.self) { oldestDue = min(oldestDue ?? due, due) }
        }
        HeraldMetrics.recordOutbox(counts: counts, oldestDueAge: oldestDue.map { now.timeIntervalSince($0) } ?? 0)
    }
}

import Fluent
import Foundation
import SQLKit

/// Read-side questions about the outbox, shared by the console, the API and (later) the dashboard.
enum OutboxQueries {
    /// Messages per status (every status present, zero included), optionally for one batch: one GROUP BY.
    static func counts(organizationID: UUID, batchID: UUID? = nil, on db: any Database) async throws -> [String: Int] {
        let sql = try db.sql
        var query = sql.select().column("status").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count")
            .from(OutboxMessage.schema).where("organization_id", .equal, organizationID)
        if let batchID { query = query.where("batch_id", .equal, batchID) }
        let rows = try await query.groupBy("status").all()
        var counts = Dictionary(uniqueKeysWithValues: OutboxStatus.allCases.map { ($0.rawValue, 0) })
        for row in rows {
            counts[try row.decode(column: "status", as: String.self)] = try row.decode(column: "count", as: Int.self)
        }
        return counts
    }
}

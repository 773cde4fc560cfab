import Fluent
import Vapor

/// The organization's outbox as administrators read it (console under Mail, the API, the CSV export): newest first,
/// filtered by delivery status, batch and the days the messages were queued, paged by keyset on (created_at, id).
/// The stored message itself (`raw`) is never read for the list.
struct OutboxList: Sendable {
    let status: OutboxStatus?
    let batch: UUID?
    let created: CreatedRange

    static let newestFirst = ListOrdering<OutboxMessage>.newestFirst("outbox.newest", createdAt: \.$createdAt)

    init(_ req: Request) throws {
        status = try InvitationList.choice(req.queryText("status"), field: "status")
        let batch = try req.queryText("batch")
        guard batch.isEmpty || UUID(uuidString: batch) != nil else { throw Abort(.badRequest, reason: "batch: must be a batch id") }
        self.batch = UUID(uuidString: batch)
        created = try CreatedRange(req)
    }

    func query(organizationID: UUID, on db: any Database) -> QueryBuilder<OutboxMessage> {
        var query = OutboxMessage.query(on: db).filter(\.$organization.$id == organizationID)
            .field(\.$id).field(\.$recipients).field(\.$subject).field(\.$status).field(\.$attempts)
            .field(\.$nextAttemptAt).field(\.$lastError).field(\.$sentAt).field(\.$batchID).field(\.$createdAt)
        if let status { query = query.filter(\.$status == status) }
        if let batch { query = query.filter(\.$batchID == batch) }
        query = created.filter(query, on: \.$createdAt)
        return query
    }

    /// The whole filtered outbox as CSV, streamed.
    func export(organizationID: UUID, for req: Request) -> Response {
        let list = self
        return ListExport(header: ["to", "subject", "status", "attempts", "queued", "sent", "next_attempt", "last_error"],
                          ordering: Self.newestFirst, query: { db in list.query(organizationID: organizationID, on: db) }) { message in
            [message.recipients, message.subject, message.status.rawValue, String(message.attempts), InvitationList.timestamp(message.createdAt),
             InvitationList.timestamp(message.sentAt), message.status == .deferred ? InvitationList.timestamp(message.nextAttemptAt) : "",
             message.lastError ?? ""]
        }.response(for: req, filename: "outbox.csv")
    }
}

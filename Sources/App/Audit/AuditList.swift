import Fluent
import Vapor

/// The audit log as the console, the API and the CSV export read it: newest first, filtered by action, by actor (as
/// recorded, e.g. `alice@example.com` or `api token 'ci'`) and by the days the events happened, each a leading
/// column of an index; paged by keyset on (created_at, id).
struct AuditList: Sendable {
    let action: AuditAction?
    let actor: String
    let created: CreatedRange

    static let newestFirst = ListOrdering<AuditEvent>.newestFirst("audit.newest", createdAt: \.$createdAt)

    init(_ req: Request) throws {
        action = try InvitationList.choice(req.queryText("action"), field: "action")
        actor = try req.queryText("actor").trimmingCharacters(in: .whitespaces)
        created = try CreatedRange(req)
    }

    func query(organizationID: UUID, on db: any Database) -> QueryBuilder<AuditEvent> {
        var query = AuditEvent.query(on: db).filter(\.$organization.$id == organizationID)
        if let action { query = query.filter(\.$action == action) }
        if !actor.isEmpty { query = query.filter(\.$actorLabel == actor) }
        query = created.filter(query, on: \.$createdAt)
        return query
    }

    /// The whole filtered log as CSV, streamed.
    func export(organizationID: UUID, for req: Request) -> Response {
        let list = self
        return ListExport(header: ["time", "actor", "action", "target_type", "target", "details"], ordering: Self.newestFirst,
                          query: { db in list.query(organizationID: organizationID, on: db) }) { event in
            [InvitationList.timestamp(event.createdAt), event.actorLabel, event.action.rawValue, event.targetType, event.targetLabel,
             event.details ?? ""]
        }.response(for: req, filename: "audit-log.csv")
    }
}

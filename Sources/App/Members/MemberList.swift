import Fluent
import Vapor

/// The organization's members (active and blocked) as the console, the API and the CSV export read them: oldest
/// first, filtered by role, status and the days they joined, paged by keyset on (created_at, id).
struct MemberList: Sendable {
    let role: MembershipRole?
    let status: MembershipStatus?
    let joined: CreatedRange

    static let oldestFirst = ListOrdering<Membership>(name: "members.oldest", column: "created_at", kind: .date, descending: false) {
        $0.createdAt.map(ListCursor.Value.date)
    }

    init(_ req: Request) throws {
        role = try InvitationList.choice(req.queryText("role"), field: "role")
        let status: MembershipStatus? = try InvitationList.choice(req.queryText("status"), field: "status")
        // Removed and departed memberships are history, not members.
        if let status, ![.active, .blocked].contains(status) { throw Abort(.badRequest, reason: "status: must be one of active, blocked") }
        self.status = status
        joined = try CreatedRange(req)
    }

    func query(organizationID: UUID, on db: any Database) -> QueryBuilder<Membership> {
        var query = Membership.query(on: db).filter(\.$organization.$id == organizationID).with(\.$account)
        query = status.map { query.filter(\.$status == $0) } ?? query.filter(\.$status ~~ [.active, .blocked])
        if let role { query = query.filter(\.$role == role) }
        query = joined.filter(query, on: \.$createdAt)
        return query
    }

    /// The whole filtered list as CSV, streamed.
    func export(organizationID: UUID, for req: Request) -> Response {
        let list = self
        return ListExport(header: ["name", "email", "role", "status", "joined", "note"], ordering: Self.oldestFirst,
                          query: { db in list.query(organizationID: organizationID, on: db) }) { membership in
            [membership.account.name, membership.account.email, membership.role.rawValue, membership.status.rawValue,
             InvitationList.timestamp(membership.createdAt), membership.note ?? ""]
        }.response(for: req, filename: "members.csv")
    }
}

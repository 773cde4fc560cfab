import Fluent
import HeraldCore
import Vapor

/// The organization's invitations as the console, the API and the CSV export read them: filtered by status, kind,
/// an email prefix and the days they were created, each on an indexed column (`UpdateListsAddKeysetIndexes`), and
/// paged by keyset: newest first, or by email when searching by email.
struct InvitationList: Sendable {
    let status: InvitationStatus?
    let kind: InvitationKind?
    /// The start of the addresses searched for (`?q=`), lower-cased like the stored addresses.
    let emailPrefix: String
    let created: CreatedRange

    static let newestFirst = ListOrdering<Invitation>.newestFirst("invitations.newest", createdAt: \.$createdAt)
    static let byEmail = ListOrdering<Invitation>(name: "invitations.email", column: "email", kind: .bytes, descending: false) { .text($0.email) }

    init(_ req: Request) throws {
        emailPrefix = try req.queryText("q").trimmingCharacters(in: .whitespaces).lowercased()
        status = try Self.choice(req.queryText("status"), field: "status")
        kind = try Self.choice(req.queryText("kind"), field: "kind")
        created = try CreatedRange(req)
    }

    /// A search by email reads the email index in order; every other list is newest first.
    var ordering: ListOrdering<Invitation> { emailPrefix.isEmpty ? Self.newestFirst : Self.byEmail }

    func query(organizationID: UUID, now: Date, on db: any Database) throws -> QueryBuilder<Invitation> {
        var query = Self.filter(Invitation.query(on: db).filter(\.$organization.$id == organizationID).with(\.$inviter), status: status, now: now)
        if let kind { query = query.filter(\.$kind == kind) }
        query = created.filter(query, on: \.$createdAt)
        if !emailPrefix.isEmpty { query = try Self.byEmail.prefix(emailPrefix, of: query) }
        return query
    }

    /// Invitations whose status at `now` is `status` (nil: any).
    static func filter(_ query: QueryBuilder<Invitation>, status: InvitationStatus?, now: Date) -> QueryBuilder<Invitation> {
        switch status {
        case .pending: query.filter(\.$status == .pending).filter(\.$expiresAt > now)
        // Expired is what a pending invitation becomes with time, whether or not the row says so yet.
        case .expired: query.group(.or) { $0.filter(\.$status == .expired).group(.and) { $0.filter(\.$status == .pending).filter(\.$expiresAt <= now) } }
        case nil: query
        case let other?: query.filter(\.$status == other)
        }
    }

    /// The whole filtered list as CSV, streamed.
    func export(organizationID: UUID, for req: Request) -> Response {
        let now = Date()
        let list = self
        return ListExport(header: ["email", "name", "kind", "status", "language", "invited_by", "created", "sent", "expires", "accepted"],
                          ordering: ordering, query: { db in try list.query(organizationID: organizationID, now: now, on: db) }) { invitation in
            [invitation.email, invitation.name ?? "", invitation.kind.rawValue,
             InvitationLifecycle.effectiveStatus(stored: invitation.status, expiresAt: invitation.expiresAt, now: now).rawValue,
             invitation.language, invitation.inviter?.email ?? "", Self.timestamp(invitation.createdAt), Self.timestamp(invitation.sentAt),
             Self.timestamp(invitation.expiresAt), Self.timestamp(invitation.acceptedAt)]
        }.response(for: req, filename: "invitations.csv")
    }

    /// ISO 8601 in UTC: a spreadsheet sorts and converts it; empty when there is none.
    static func timestamp(_ date: Date?) -> String {
        date.map { $0.formatted(.iso8601) } ?? ""
    }

    /// The filter's value, nil when none was chosen (an empty parameter); anything else is a 400 naming the choices.
    static func choice<Choice: RawRepresentable<String> & CaseIterable>(_ text: String, field: String) throws -> Choice? {
        guard !text.isEmpty else { return nil }
        guard let choice = Choice(rawValue: text) else {
            throw Abort(.badRequest, reason: "\(field): must be one of \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }
}

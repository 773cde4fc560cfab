import Fluent
import Vapor

/// `/console/mail/outbox`: every message the organization's invitations and notices queued, with its delivery
/// state (waiting, sent, deferred with the next attempt, failed with the server's reason), filtered and paged.
struct OutboxController {
    struct Row: Encodable {
        let to: String
        let subject: String
        let status: OutboxStatus
        let attempts: Int
        let queued: String
        let sent: String
        let nextAttempt: String
        let lastError: String?
    }

    struct ViewModel: Encodable {
        let rows: [Row]
        let counts: [String: Int]
        let statuses: [OutboxStatus]
        let status: String
        let created: CreatedRange
        let pages: ListLinks
    }

    static let pageSize = 100

    func list(_ req: Request) async throws -> View {
        let organizationID = try req.console.organizationID
        let filter = try OutboxList(req)
        let list = try ListRequest(req, defaultLimit: Self.pageSize)
        let shown = try await list.page(filter.query(organizationID: organizationID, on: req.db), OutboxList.newestFirst)
        let rows = shown.rows.map { message in
            Row(to: message.recipients, subject: message.subject, status: message.status, attempts: message.attempts,
                queued: DisplayDate.format(message.createdAt), sent: message.sentAt.map { DisplayDate.format($0) } ?? "",
                nextAttempt: message.status == .deferred ? DisplayDate.format(message.nextAttemptAt) : "", lastError: message.lastError)
        }
        let counts = try await OutboxQueries.counts(organizationID: organizationID, on: req.db)
        return try await req.renderPage("outbox", section: .mail, title: "Outbox", ViewModel(
            rows: rows, counts: counts, statuses: OutboxStatus.allCases, status: filter.status?.rawValue ?? "",
            created: filter.created, pages: list.links(shown, export: "/console/mail/outbox/export.csv")))
    }

    /// `GET /console/mail/outbox/export.csv`: the filtered outbox in full.
    func export(_ req: Request) async throws -> Response {
        try OutboxList(req).export(organizationID: try req.console.organizationID, for: req)
    }
}

import Fluent
import Vapor

/// The audit log page: who did what, to what, when; newest first, paged.
struct AuditController {
    struct Row: Encodable {
        let time: String
        let actor: String
        let action: AuditAction
        let target: String
        let details: String?
    }

    struct ViewModel: Encodable {
        let rows: [Row]
        let page: Int
        let previousPage: Int?
        let nextPage: Int?
    }

    static let pageSize = 50

    func list(_ req: Request) async throws -> View {
        let organizationID = try req.console.organizationID
        let page = try req.query(WholeNumber<PageNumber>.self, "page")?.value ?? 1
        let rows = try await Self.rows(organizationID: organizationID, limit: Self.pageSize + 1, offset: (page - 1) * Self.pageSize, on: req.db)
        let content = ViewModel(
            rows: Array(rows.prefix(Self.pageSize)), page: page,
            previousPage: page > 1 ? page - 1 : nil, nextPage: rows.count > Self.pageSize ? page + 1 : nil
        )
        return try await req.renderPage("audit", section: .audit, content)
    }

    static func rows(organizationID: UUID, limit: Int, offset: Int = 0, on db: any Database) async throws -> [Row] {
        try await AuditEvent.query(on: db)
            .filter(\.$organization.$id == organizationID)
            .sort(\.$createdAt, .descending)
            .range(offset..<(offset + limit))
            .all()
            .map { event in
                Row(time: DisplayDate.format(event.createdAt), actor: event.actorLabel, action: event.action,
                    target: "\(event.targetType) \(event.targetLabel)", details: event.details)
            }
    }
}

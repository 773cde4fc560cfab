import Fluent
import Vapor

/// The audit log page: who did what, to what, when; newest first, filtered and paged.
struct AuditController {
    struct Row: Encodable {
        let time: String
        let actor: String
        let action: AuditAction
        /// The action in words, from the catalogs ("Test email sent", not `mail_settings.tested`).
        let actionLabel: String
        let target: String
        let details: String?

        init(_ event: AuditEvent, catalog: MessageCatalog) {
            time = DisplayDate.format(event.createdAt)
            actor = event.actorLabel
            action = event.action
            actionLabel = catalog.text(event.action.labelKey, .en)
            target = "\(event.targetType) \(event.targetLabel)"
            details = event.details
        }
    }

    struct ViewModel: Encodable {
        let rows: [Row]
        /// The filter's choices: each action's stored value and its label.
        let actions: [[String: String]]
        let action: String
        let actor: String
        let created: CreatedRange
        let pages: ListLinks
    }

    static let pageSize = 50

    func list(_ req: Request) async throws -> View {
        let organizationID = try req.console.organizationID
        let filter = try AuditList(req)
        let list = try ListRequest(req, defaultLimit: Self.pageSize)
        let shown = try await list.page(filter.query(organizationID: organizationID, on: req.db), AuditList.newestFirst)
        let content = ViewModel(
            rows: shown.rows.map { Row($0, catalog: req.herald.catalog) },
            actions: AuditAction.allCases.map { ["value": $0.rawValue, "label": req.herald.catalog.text($0.labelKey, .en)] }, action: filter.action?.rawValue ?? "", actor: filter.actor,
            created: filter.created, pages: list.links(shown, export: "/console/audit/export.csv")
        )
        return try await req.renderPage("audit", section: .audit, content)
    }

    /// `GET /console/audit/export.csv`: the filtered log in full.
    func export(_ req: Request) async throws -> Response {
        try AuditList(req).export(organizationID: try req.console.organizationID, for: req)
    }

    /// The newest events (the dashboard's recent activity).
    static func rows(organizationID: UUID, limit: Int, catalog: MessageCatalog, on db: any Database) async throws -> [Row] {
        try await AuditList.newestFirst.page(AuditEvent.query(on: db).filter(\.$organization.$id == organizationID), from: nil, limit: limit)
            .rows.map { Row($0, catalog: catalog) }
    }
}

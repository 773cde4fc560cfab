import Fluent
import Vapor

/// The console's home. Administrators see the organization's invitations, seats, delivery and latest activity
/// (`DashboardStats`); Regular Members see only what is theirs.
struct DashboardController {
    /// How often the page reloads itself while messages are being sent.
    static let refreshWhileSending = 5

    func show(_ req: Request) async throws -> Response {
        let context = try req.console
        guard context.isAdministrator else {
            // Members see only what is theirs: organization-wide figures are for administrators.
            let keys = switch try await LicenseAccess.scope(for: context, on: req.db) { case .all: 0; case .only(let ids): ids.count }
            return try await req.renderPage("member-home", section: .dashboard, ["licenseKeys": keys]).encodeResponse(for: req)
        }
        let organizationID = context.organizationID
        async let stats = DashboardStats.load(organizationID: organizationID, on: req.db)
        async let events = AuditController.rows(organizationID: organizationID, limit: 10, catalog: req.herald.catalog, on: req.db)
        async let quota = req.herald.mailQuota.usage(organizationID: organizationID, on: req.db)
        var page = try await DashboardPage(stats, recentEvents: events)
        if let usage = try await quota, usage.isReached {
            page.mailQuotaNote = "Daily mail quota reached: \(usage.used) of \(usage.limit) messages queued in the last 24 hours. "
                + "New invitations are refused until older messages leave the 24-hour window."
        }
        return try await req.renderRefreshingPage("dashboard", section: .dashboard,
                                                  every: page.isSending ? Self.refreshWhileSending : nil, page)
    }
}

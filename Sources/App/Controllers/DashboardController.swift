import Fluent
import Vapor

/// The console's home: headline counts for the current organization and the latest audit events.
enum DashboardController {
    struct ViewModel: Encodable {
        let members: Int
        let pendingInvitations: Int
        let licenseKeys: Int
        let queuedMessages: Int
        let failedMessages: Int
        let recentEvents: [AuditController.Row]
    }

    static func show(_ req: Request) async throws -> View {
        let context = try req.console
        guard context.isAdministrator else {
            // Members see only what is theirs: organization-wide figures are for administrators.
            let keys = switch try await LicenseAccess.scope(for: context, on: req.db) { case .all: 0; case .only(let ids): ids.count }
            return try await req.renderPage("member-home", section: .dashboard, ["licenseKeys": keys])
        }
        let organizationID = context.organization.id!
        async let members = Membership.query(on: req.db).filter(\.$organization.$id == organizationID).filter(\.$status == .active).count()
        async let invitations = Invitation.query(on: req.db).filter(\.$organization.$id == organizationID).filter(\.$status == "pending").count()
        async let keys = LicenseKey.query(on: req.db).filter(\.$organization.$id == organizationID).count()
        async let queued = OutboxMessage.query(on: req.db).filter(\.$organization.$id == organizationID)
            .filter(\.$status ~~ ["queued", "sending", "deferred"]).count()
        async let failed = OutboxMessage.query(on: req.db).filter(\.$organization.$id == organizationID).filter(\.$status == "failed").count()
        let events = try await AuditController.rows(organizationID: organizationID, limit: 10, on: req.db)
        let content = try await ViewModel(
            members: members, pendingInvitations: invitations, licenseKeys: keys,
            queuedMessages: queued, failedMessages: failed, recentEvents: events
        )
        return try await req.renderPage("dashboard", section: .dashboard, content)
    }
}

import Fluent
import Foundation
import Vapor

/// Every figure on the dashboard for one organization: what `/console` draws and `/api/v1/stats` returns.
struct DashboardStats: Content, Equatable {
    let organizationID: UUID
    let generatedAt: Date
    /// One entry per invitation kind: join, install, client.
    let invitations: [InvitationFunnel.Row]
    /// The last 30 days (UTC), oldest first, today last.
    let invitationsPerDay: [DailyInvitations.Day]
    let licenseKeys: [SeatOverview.Key]
    let delivery: DeliveryHealth

    static func load(organizationID: UUID, on db: any Database, now: Date = Date()) async throws -> DashboardStats {
        // Independent reads: run them side by side (PostgreSQL uses separate pool connections; SQLite
        // serialises them, which costs nothing extra).
        async let funnel = InvitationFunnel.rows(organizationID: organizationID, on: db, now: now)
        async let daily = DailyInvitations.days(organizationID: organizationID, on: db, now: now)
        async let keys = SeatOverview.keys(organizationID: organizationID, on: db, now: now)
        async let delivery = DeliveryHealth.load(organizationID: organizationID, on: db, now: now)
        return try await DashboardStats(
            organizationID: organizationID, generatedAt: now, invitations: funnel, invitationsPerDay: daily,
            licenseKeys: keys, delivery: delivery
        )
    }
}

@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor

@Suite("Dashboard figures")
struct DashboardQueryTests {
    @Test("the funnel counts every kind and status as worked out by hand, and nothing of other organizations")
    func funnel() async throws {
        try await withHerald { app in
            // given
            let now = Date()
            let ours = try await TestData.administrator(app, email: "a@example.com", password: "Correct-Horse-42", organization: "Ours").organization.requireID()
            let theirs = try await TestData.administrator(app, email: "b@example.com", password: "Correct-Horse-42", organization: "Theirs").organization.requireID()
            try await DashboardFixture.seedInvitations(app, organizationID: ours, now: now)
            try await DashboardFixture.seedInvitations(app, organizationID: theirs, now: now)
            // when
            let rows = try await InvitationFunnel.rows(organizationID: ours, on: app.db, now: now)
            // then
            #expect(rows == InvitationKind.allCases.map(DashboardFixture.expectedFunnel))
        }
    }

    @Test("a new organization gets a row of zeros per kind")
    func emptyFunnel() async throws {
        try await withHerald { app in
            // given
            let ours = try await TestData.administrator(app, email: "a@example.com", password: "Correct-Horse-42", organization: "Ours").organization.requireID()
            // when
            let rows = try await InvitationFunnel.rows(organizationID: ours, on: app.db)
            let days = try await DailyInvitations.days(organizationID: ours, on: app.db)
            // then
            #expect(rows.map(\.kind) == [.join, .install, .client])
            #expect(rows.allSatisfy { $0.invited == 0 })
            #expect(days.count == 30 && days.allSatisfy { $0.sent == 0 && $0.accepted == 0 })
        }
    }

    @Test("sent and accepted per day cover 30 UTC days ending today, counted like a naive loop over the rows")
    func perDay() async throws {
        try await withHerald { app in
            // given
            let now = Date()
            let ours = try await TestData.administrator(app, email: "a@example.com", password: "Correct-Horse-42", organization: "Ours").organization.requireID()
            let invitations = try await DashboardFixture.seedInvitations(app, organizationID: ours, now: now)
            // when
            let days = try await DailyInvitations.days(organizationID: ours, on: app.db, now: now)
            // then
            #expect(days.count == 30)
            #expect(days.last?.date == DailyInvitations.dateLabel(now))
            for day in days {
                func onDay(_ date: Date?) -> Bool { date.map { DailyInvitations.dateLabel($0) == day.date } ?? false }
                #expect(day.sent == invitations.filter { onDay($0.sentAt) }.count, "sent on \(day.date)")
                #expect(day.accepted == invitations.filter { onDay($0.acceptedAt) }.count, "accepted on \(day.date)")
            }
            #expect(days.reduce(0) { $0 + $1.sent } < invitations.filter { $0.sentAt != nil }.count) // 35 days ago is left out
        }
    }

    @Test("seats per key: active machines used, live codes of pending invitations invited, limits flagged")
    func seats() async throws {
        try await withHerald { app in
            // given
            let ours = try await TestData.administrator(app, email: "a@example.com", password: "Correct-Horse-42", organization: "Ours").organization.requireID()
            let theirs = try await TestData.administrator(app, email: "b@example.com", password: "Correct-Horse-42", organization: "Theirs").organization.requireID()
            try await DashboardFixture.seedLicenseKeys(app, organizationID: ours)
            try await DashboardFixture.seedLicenseKeys(app, organizationID: theirs, specs: [.init(name: "Alien", seats: 1, active: 1, deactivated: 0, invited: 0, notCounted: 0)])
            // when
            let keys = try await SeatOverview.keys(organizationID: ours, on: app.db)
            // then
            let figures = keys.map { "\($0.name): \($0.used)/\($0.seats) invited \($0.invited) free \($0.free) \($0.level)\($0.needsAttention ? " !" : "")" }
            #expect(figures == [
                "CAD Pro: 4/5 invited 0 free 1 near-limit !",
                "Design Suite: 3/10 invited 2 free 7 ok",
                "Office: 2/2 invited 1 free 0 full !",
                "Viewer: 2/20 invited 20 free 18 ok !",
            ])
        }
    }

    @Test("delivery health: waiting counts, next attempt, failures of the last day grouped by reply, batch progress")
    func delivery() async throws {
        try await withHerald { app in
            // given
            let now = Date()
            let ours = try await TestData.administrator(app, email: "a@example.com", password: "Correct-Horse-42", organization: "Ours").organization.requireID()
            let batch = UUID()
            for (status, count) in [(OutboxStatus.sent, 3), (.failed, 1), (.queued, 4), (.sending, 2)] {
                for index in 0..<count {
                    try await DashboardFixture.message(app, organizationID: ours, to: "batch-\(status)-\(index)@example.com", status: status, batchID: batch, now: now)
                }
            }
            try await DashboardFixture.message(app, organizationID: ours, to: "late@example.com", status: .deferred, now: now)
            try await DashboardFixture.message(app, organizationID: ours, to: "x@example.com", status: .failed, lastError: "554 5.7.1 relay denied", now: now)
            try await DashboardFixture.message(app, organizationID: ours, to: "old@example.com", status: .failed, settledAt: now.addingTimeInterval(-2 * 86_400), now: now)
            // when
            let health = try await DeliveryHealth.load(organizationID: ours, on: app.db, now: now)
            // then
            #expect((health.queued, health.sending, health.deferred) == (4, 2, 1))
            #expect(abs((health.nextAttemptAt ?? .distantPast).timeIntervalSince(now.addingTimeInterval(600))) < 1)
            #expect(health.deferredMessages.map(\.to) == ["late@example.com"])
            #expect(health.failedLast24Hours == 2)
            #expect(health.commonFailures == [
                .init(reply: "554 5.7.1 relay denied", count: 1),
                .init(reply: "SMTP rejected: server replied 550 5.1.1 <address>: User unknown (permanent)", count: 1),
            ])
            #expect(health.batches.map { [$0.total, $0.sent, $0.failed, $0.waiting] } == [[10, 3, 1, 6]])
            #expect(health.isSending)
        }
    }
}

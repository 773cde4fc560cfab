@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// How long the dashboard's queries take with 100,000 invitations and as many outbox messages. Off by default
/// (seeding takes a while); run with `HERALD_BENCHMARK_DASHBOARD=1 swift test --filter DashboardPerformance`, and
/// `HERALD_BENCHMARK_KEEP=/tmp/x.sqlite` to keep a copy of the seeded SQLite database for EXPLAIN QUERY PLAN.
@Suite("Dashboard performance", .enabled(if: ProcessInfo.processInfo.environment["HERALD_BENCHMARK_DASHBOARD"] == "1"))
struct DashboardPerformanceTests {
    @Test("the dashboard's figures load quickly with 100,000 invitations")
    func hundredThousandInvitations() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let organizationID = try #require(try await Organization.query(on: app.db).first()?.id)
            let seeding = ContinuousClock.now
            try await Self.seed(try app.db.sql, organizationID: organizationID, count: 100_000)
            print("dashboard benchmark: seeded 100,000 invitations and messages in \(ContinuousClock.now - seeding)")
            if let keep = ProcessInfo.processInfo.environment["HERALD_BENCHMARK_KEEP"], !TestDatabase.isPostgres {
                try await app.db.sql.raw("VACUUM INTO \(bind: keep)").run()
            }
            // when
            var timings: [Duration] = []
            for _ in 0..<5 {
                let started = ContinuousClock.now
                _ = try await DashboardStats.load(organizationID: organizationID, on: app.db)
                timings.append(ContinuousClock.now - started)
            }
            let pageStarted = ContinuousClock.now
            let page = try await browser.get("/console")
            let pageTime = ContinuousClock.now - pageStarted
            // then
            let stats = try await DashboardStats.load(organizationID: organizationID, on: app.db)
            print("dashboard benchmark (\(TestDatabase.isPostgres ? "PostgreSQL" : "SQLite")): DashboardStats.load \(timings.map { "\($0)" }.joined(separator: ", ")); GET /console \(pageTime)")
            #expect(page.status == .ok)
            #expect(stats.invitations.reduce(0) { $0 + $1.invited } == 100_000)
            #expect(timings.min()! < .seconds(2))
        }
    }

    /// Invitations of every kind and status spread over 60 days, each with one outbox message (mostly sent).
    static func seed(_ sql: any SQLDatabase, organizationID: UUID, count: Int) async throws {
        let now = Date()
        let kinds = ["join", "install", "client"], statuses = ["pending", "accepted", "expired", "revoked", "pending"]
        for chunkStart in stride(from: 0, to: count, by: 500) {
            var invitations = sql.insert(into: "invitations")
                .columns("id", "organization_id", "kind", "email", "language", "status", "expires_at", "sent_at", "opened_at", "accepted_at", "created_at", "updated_at")
            var messages = sql.insert(into: "outbox_messages")
                .columns("id", "organization_id", "invitation_id", "status", "mail_from", "recipients", "message_id", "subject", "raw",
                         "attempts", "next_attempt_at", "last_error", "sent_at", "created_at", "updated_at")
            for index in chunkStart..<min(count, chunkStart + 500) {
                let id = UUID()
                let sentAt = now.addingTimeInterval(-Double(index % 60) * 86_400 - 100)
                let status = statuses[index % statuses.count]
                let outbox = index % 50 == 0 ? "failed" : index % 70 == 0 ? "queued" : "sent"
                invitations = invitations.values([
                    SQLBind(id), SQLBind(organizationID), SQLBind(kinds[index % 3]), SQLBind("p\(index)@example.com"), SQLBind("en"),
                    SQLBind(status), SQLBind(now.addingTimeInterval(index % 7 == 0 ? -60 : 86_400)),
                    SQLBind(outbox == "sent" ? sentAt : nil), SQLBind(index % 2 == 0 ? sentAt : nil),
                    SQLBind(status == "accepted" ? sentAt.addingTimeInterval(60) : nil), SQLBind(sentAt), SQLBind(sentAt),
                ])
                messages = messages.values([
                    SQLBind(UUID()), SQLBind(organizationID), SQLBind(id), SQLBind(outbox), SQLBind("herald@example.com"),
                    SQLBind("p\(index)@example.com"), SQLBind("<\(id)@bench>"), SQLBind("Invitation"), SQLBind(Data("x".utf8)),
                    SQLBind(1), SQLBind(outbox == "queued" ? now.addingTimeInterval(3_600) : sentAt),
                    SQLBind(outbox == "failed" ? "550 5.1.1 <p\(index)@example.com>: User unknown" : nil),
                    SQLBind(outbox == "sent" ? sentAt : nil), SQLBind(sentAt), SQLBind(now),
                ])
            }
            try await invitations.run()
            try await messages.run()
        }
    }
}

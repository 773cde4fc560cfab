@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Each invitation's history (#18): written where each thing happens, shown in order in the API and the console.
@Suite("Invitation history")
struct InvitationHistoryTests {
    @Test("a join invitation's history: queued, sent, reminded, bounced, queued again on resend, accepted; a revoked one ends revoked")
    func eventsInOrder() async throws {
        try await withHerald { app in
            // given
            let fixture = try await WebhookTests.Fixture(app)
            let created = Date()
            _ = try await fixture.send(.POST, "/invitations/join", #"{"emails":["hana@example.com","ivo@example.com"]}"#)
            let hana = try #require(try await Invitation.query(on: app.db).filter(\.$email == "hana@example.com").first())
            let ivo = try #require(try await Invitation.query(on: app.db).filter(\.$email == "ivo@example.com").first())
            // when: delivered, reminded, a soft bounce reported, resent and delivered, accepted; the other revoked
            _ = try await app.herald.deliveryWorker.deliverUntilEmpty()
            try await app.herald.reminders.remind(now: created.addingTimeInterval(4.5 * 86_400), on: app.db)
            try await InvitationHistory.recordBounce(invitationID: try hana.requireID(), isHard: false, reason: "452 4.2.2 mailbox full", on: app.db)
            #expect(try await fixture.send(.POST, "/invitations/\(try hana.requireID())/resend").status == .accepted)
            _ = try await app.herald.deliveryWorker.deliverUntilEmpty()
            var invitee = BrowserSession(app)
            let path = try await OutboxReader.joinPath(app, to: "hana@example.com")
            let joined = try await invitee.post(path, form: ["mode": "create", "name": "Hana", "password": "Sturdy-Pass-77", "password_confirmation": "Sturdy-Pass-77"], csrfFrom: path)
            #expect(try await fixture.send(.POST, "/invitations/\(try ivo.requireID())/revoke").status == .noContent)
            let api = try await fixture.send(.GET, "/invitations/\(try hana.requireID())/events")
            let revoked = try await fixture.send(.GET, "/invitations/\(try ivo.requireID())/events")
            let unknown = try await fixture.send(.GET, "/invitations/\(UUID())/events")
            // then
            #expect(joined.status == .seeOther)
            struct Event: Decodable { let kind: String; let detail: String?; let occurredAt: Date }
            let events = try api.content.decode([Event].self)
            #expect(events.map(\.kind) == ["queued", "sent", "reminded", "bounced", "queued", "sent", "opened", "accepted"], "\(events.map(\.kind))")
            #expect(events[1].detail == "accepted by the receiving mail server")
            #expect(events[3].detail == "soft: 452 4.2.2 mailbox full")
            // The reminder round ran at a later simulated time; everything else happened now, in order.
            let realTimes = events.filter { $0.kind != "reminded" }.map(\.occurredAt)
            #expect(realTimes == realTimes.sorted())
            #expect(events[2].occurredAt > created.addingTimeInterval(4 * 86_400))
            #expect(try revoked.content.decode([Event].self).map(\.kind) == ["queued", "sent", "reminded", "revoked"])
            #expect(unknown.status == .notFound)
        }
    }

    @Test("the console shows an invitation's history; deferred and failed deliveries are recorded with the server's reply")
    func consolePageAndFailures() async throws {
        try await withHerald { app in
            // given: an administrator in the browser and a join invitation whose delivery fails for good
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "fay@example.com"], csrfFrom: "/console/invitations")
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == "fay@example.com").first())
            let message = try #require(try await OutboxReader.messages(app, to: "fay@example.com").first)
            let claim = OutboxClaim(database: app.db, workerID: "test")
            let claimed = try await claim.claim(limit: 10, leaseDuration: 60)
            let policy = RetryPolicy(app.herald.configuration.delivery)
            // when: one temporary failure, then a permanent one
            try await claim.record(claimed.map { ($0, .temporaryFailure("451 4.3.0 try later")) }, policy: policy)
            try await OutboxMessage.query(on: app.db).filter(\.$id == (try message.requireID())).set(\.$nextAttemptAt, to: Date()).update()
            let again = try await claim.claim(limit: 10, leaseDuration: 60)
            try await claim.record(again.map { ($0, .permanentFailure("550 5.1.1 no such user")) }, policy: policy)
            let page = try await admin.get("/console/invitations/\(try invitation.requireID())")
            // then
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains(#"<td class="event-queued">queued</td>"#))
            #expect(html.contains(#"<td class="event-deferred">deferred</td><td>451 4.3.0 try later</td>"#), "\(html)")
            #expect(html.contains(#"<td class="event-failed">failed</td><td>550 5.1.1 no such user</td>"#))
            #expect(html.range(of: "event-queued")!.lowerBound < html.range(of: "event-deferred")!.lowerBound)
            #expect(html.range(of: "event-deferred")!.lowerBound < html.range(of: "event-failed")!.lowerBound)
        }
    }
}

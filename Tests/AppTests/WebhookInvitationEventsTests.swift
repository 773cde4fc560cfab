@testable import App
import Fluent
import Foundation
import LiveServerSupport
import Testing
import Vapor
import VaporTesting

/// `invitation.opened` and `invitation.delivered`, verified by the `standardwebhooks` receiver like every other event:
/// each emitted once, on the transition that makes it true. SQLite and PostgreSQL.
@Suite("webhooks: invitation opened and delivered", .serialized)
struct WebhookInvitationEventsTests {
    private func invite(_ fixture: WebhookTests.Fixture, _ email: String) async throws -> Invitation {
        let invited = try await fixture.send(.POST, "/invitations/join", #"{"emails":["\#(email)"]}"#)
        #expect(invited.status == .created, "\(invited.body.string)")
        return try #require(try await Invitation.query(on: fixture.app.db).filter(\.$email == email).first())
    }

    private func events(_ log: [WebhookReceiver.Entry], _ type: String) throws -> [[String: Any]] {
        try log.filter { $0.type == type }.map { entry in
            let envelope = try #require(try JSONSerialization.jsonObject(with: Data(entry.body.utf8)) as? [String: Any])
            return try #require(envelope["data"] as? [String: Any])
        }
    }

    @Test("opening an invitation twice, and a second open racing the first, yields one invitation.opened and one opened event in its history")
    func openedOnce() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        try await withHerald(WebhookTests.configure) { app in
            // given
            let fixture = try await WebhookTests.Fixture(app)
            _ = try await fixture.endpoint(receiver, mode: "ok", key: "opened", events: ["invitation.opened"])
            let invitation = try await invite(fixture, "olga@example.com")
            let link = try await OutboxReader.joinPath(app, to: "olga@example.com")
            // when: opened twice, then an open that loaded the invitation before the first one was recorded
            let first = try await app.testing().sendRequest(.GET, link)
            let second = try await app.testing().sendRequest(.GET, link)
            await InvitationTracking.markOpened(try invitation.requireID(), openedAt: nil, on: app.db, logger: app.logger)
            try await fixture.deliver()
            // then
            #expect(first.status == .ok && second.status == .ok)
            let log = try await receiver.log("opened")
            #expect(log.count == 1 && log.allSatisfy(\.verified), "\(log.map(\.type))")
            let opened = try events(log, "invitation.opened")
            #expect(opened.count == 1)
            #expect(opened.first?["id"] as? String == invitation.id?.uuidString && opened.first?["email"] as? String == "olga@example.com")
            #expect(try await Invitation.find(invitation.id, on: app.db)?.openedAt != nil)
            let history = try await InvitationHistory.events(invitationID: try invitation.requireID(), on: app.db).map(\.kind)
            #expect(history.filter { $0 == .opened }.count == 1, "one opened in the history: \(history)")
        }
    }

    @Test("each message the mail server accepts yields one invitation.delivered and one sent event in the history, both with its reply, and no more when the worker runs again")
    func deliveredOncePerMessage() async throws {
        let servers = try LiveServers.fromEnvironment()
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        try await withHerald(WebhookTests.configure) { app in
            // given: mail through aiosmtpd, which answers each message "250 2.0.0 OK stored as <file>"
            let fixture = try await WebhookTests.Fixture(app)
            try await MailFixtures.useSMTP(app, organizationID: fixture.organizationID, port: servers.plainPort)
            _ = try await fixture.endpoint(receiver, mode: "ok", key: "mail", events: ["invitation.sent", "invitation.delivered"])
            let invitation = try await invite(fixture, "dana@example.com")
            // when: the invitation email and a resend go out, and the worker runs again with nothing left
            #expect(try await app.herald.deliveryWorker.deliverUntilEmpty().sent == 1)
            let resent = try await fixture.send(.POST, "/invitations/\(try invitation.requireID())/resend")
            #expect(resent.status == .accepted, "\(resent.body.string)")
            #expect(try await app.herald.deliveryWorker.deliverUntilEmpty().sent == 1)
            _ = try await app.herald.deliveryWorker.deliverUntilEmpty()
            try await fixture.deliver()
            try await fixture.deliver()
            // then
            let log = try await receiver.log("mail")
            #expect(!log.isEmpty && log.allSatisfy(\.verified))
            #expect(try events(log, "invitation.sent").count == 2, "the invitation email and the resend, as before")
            let delivered = try events(log, "invitation.delivered")
            let messages = try await OutboxMessage.query(on: app.db).filter(\.$invitation.$id == invitation.id).all()
            #expect(messages.count == 2 && messages.allSatisfy { $0.status == .sent })
            let deliveries = delivered.compactMap { $0["delivery"] as? [String: Any] }
            #expect(deliveries.count == 2, "one per message: \(delivered)")
            #expect(Set(deliveries.compactMap { $0["messageId"] as? String }) == Set(messages.compactMap { $0.id?.uuidString }))
            #expect(deliveries.allSatisfy { ($0["reply"] as? String)?.hasPrefix("250 2.0.0 OK stored as ") == true }, "\(deliveries)")
            #expect(Set(deliveries.compactMap { $0["reply"] as? String }).count == 2, "each message's own reply")
            #expect(delivered.allSatisfy { $0["id"] as? String == invitation.id?.uuidString && $0["email"] as? String == "dana@example.com" })
            // The invitation's history says the same: each "sent" with the server's reply to that message.
            let sent = try await InvitationHistory.events(invitationID: try invitation.requireID(), on: app.db).filter { $0.kind == .sent }
            #expect(Set(sent.compactMap(\.detail)) == Set(deliveries.compactMap { $0["reply"] as? String }), "\(sent.map(\.detail))")
        }
    }

    @Test("a lane whose lease was taken over records nothing: a message's invitation.delivered and its sent history event come once, from the lane holding it")
    func deliveredOnceAfterLeaseTakeover() async throws {
        try await withHerald(WebhookTests.configure) { app in
            // given: an endpoint for the event, and one invitation email claimed by a lane whose lease then ran out
            let fixture = try await WebhookTests.Fixture(app)
            let created = try await fixture.send(.POST, "/webhooks/endpoints", #"{"url":"https://hooks.example.com/herald","eventTypes":["invitation.delivered"]}"#)
            #expect(created.status == .created, "\(created.body.string)")
            _ = try await invite(fixture, "lena@example.com")
            let claim = OutboxClaim(database: app.db, workerID: "test")
            let policy = RetryPolicy(app.herald.configuration.delivery)
            let now = Date()
            let stale = try await claim.claim(limit: 10, leaseDuration: 60, now: now)
            let current = try await claim.claim(limit: 10, leaseDuration: 60, now: now.addingTimeInterval(120))
            // when: both lanes report the server's acceptance, the stale one first, then the current one twice
            try await claim.record(stale.map { ($0, .sent(reply: "250 2.0.0 stale lane")) }, policy: policy, now: now.addingTimeInterval(121))
            try await claim.record(current.map { ($0, .sent(reply: "250 2.0.0 current lane")) }, policy: policy, now: now.addingTimeInterval(122))
            try await claim.record(current.map { ($0, .sent(reply: "250 2.0.0 reported again")) }, policy: policy, now: now.addingTimeInterval(123))
            // then
            #expect(stale.count == 1 && current.map(\.id) == stale.map(\.id))
            let queued = try await WebhookDelivery.query(on: app.db).filter(\.$eventType == "invitation.delivered").all()
            #expect(queued.count == 1)
            #expect(queued.first?.payload.contains("250 2.0.0 current lane") == true, "\(queued.map(\.payload))")
            let history = try await InvitationEvent.query(on: app.db).filter(\.$kind == .sent).all()
            #expect(history.map(\.detail) == ["250 2.0.0 current lane"], "one sent event, the holding lane's")
        }
    }
}

@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// `invitation.expired` (#19): queued once per invitation whose expiry passed while it was pending, never for one
/// revoked or accepted first, never twice when two instances announce at once (SQLite and PostgreSQL).
@Suite("invitation.expired webhook events")
struct InvitationExpiryAnnouncementTests {
    @Test("expired pending invitations are announced once each, with status expired; revoked ones and early rounds announce nothing")
    func announcedOnce() async throws {
        let clock = ManualClock()
        try await withHerald({ WebhookTests.configure(&$0); $0.clock = clock }) { app in
            // given: an endpoint for expiries, three join invitations, one of them revoked
            let fixture = try await WebhookTests.Fixture(app)
            let endpoint = try await fixture.send(.POST, "/webhooks/endpoints", #"{"url":"http://127.0.0.1:9/hook","eventTypes":["invitation.expired"]}"#)
            #expect(endpoint.status == .created, "\(endpoint.body.string)")
            let endpointID = try endpoint.content.get(String.self, at: "id")
            let invited = try await fixture.send(.POST, "/invitations/join", #"{"emails":["ann@example.com","ben@example.com","cid@example.com"]}"#)
            #expect(invited.status == .created || invited.status == .ok, "\(invited.body.string)")
            let revoked = try #require(try await Invitation.query(on: app.db).filter(\.$email == "cid@example.com").first())
            #expect(try await fixture.send(.POST, "/invitations/\(try revoked.requireID())/revoke").status == .noContent)
            // when: a round before the expiry, then two at once (as two instances) after it, then one more
            let early = try await InvitationExpiryAnnouncer.announce(now: clock.now, on: app.db)
            clock.advance(by: 400 * 86_400)
            let now = clock.now
            async let first = InvitationExpiryAnnouncer.announce(now: now, on: app.db)
            async let second = InvitationExpiryAnnouncer.announce(now: now, on: app.db)
            let racing = try await [first, second]
            let later = try await InvitationExpiryAnnouncer.announce(now: now, on: app.db)
            // then
            #expect(early == 0)
            #expect(racing.reduce(0, +) == 2, "\(racing)")
            #expect(later == 0)
            let queued = try await fixture.deliveries(endpointID)
            #expect(queued.map(\.eventType) == ["invitation.expired", "invitation.expired"])
            #expect(queued.allSatisfy { $0.payload.contains(#""status":"expired""#) })
            let emails = Set(queued.flatMap { row in ["ann@example.com", "ben@example.com", "cid@example.com"].filter { row.payload.contains($0) } })
            #expect(emails == ["ann@example.com", "ben@example.com"])
        }
    }

    @Test("an invitation accepted before it expired is never announced")
    func acceptedIsNotAnnounced() async throws {
        let clock = ManualClock()
        try await withHerald({ WebhookTests.configure(&$0); $0.clock = clock }) { app in
            // given
            let fixture = try await WebhookTests.Fixture(app)
            let endpoint = try await fixture.send(.POST, "/webhooks/endpoints", #"{"url":"http://127.0.0.1:9/hook"}"#)
            let endpointID = try endpoint.content.get(String.self, at: "id")
            _ = try await fixture.send(.POST, "/invitations/join", #"{"emails":["dan@example.com"]}"#)
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == "dan@example.com").first())
            invitation.status = .accepted
            invitation.acceptedAt = clock.now
            try await invitation.save(on: app.db)
            // when
            clock.advance(by: 400 * 86_400)
            let announced = try await InvitationExpiryAnnouncer.announce(now: clock.now, on: app.db)
            // then
            #expect(announced == 0)
            #expect(try await fixture.deliveries(endpointID).filter { $0.eventType == "invitation.expired" }.isEmpty)
        }
    }
}

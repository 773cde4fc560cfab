@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Resending and revoking every invitation matching a filter (#18): a preview count, then the action on exactly
/// the matches, with what could not be changed listed.
@Suite("Bulk invitation actions")
struct InvitationBulkTests {
    @Test("the API previews the count, revokes exactly the matching invitations and lists the ones left alone")
    func apiPreviewAndRevoke() async throws {
        try await withHerald { app in
            // given: three join invitations, one of them old, one accepted, and an install invitation
            let fixture = try await WebhookTests.Fixture(app)
            _ = try await fixture.send(.POST, "/invitations/join", #"{"emails":["old@example.com","new@example.com","done@example.com"]}"#)
            let organization = try #require(try await Organization.find(fixture.organizationID, on: app.db))
            _ = try await LicenseFixtures.invite(app, organization: organization, seats: 5, people: 1)
            try await Invitation.query(on: app.db).filter(\.$email == "old@example.com")
                .set(\.$createdAt, to: Date().addingTimeInterval(-10 * 86_400)).update()
            try await Invitation.query(on: app.db).filter(\.$email == "done@example.com").set(\.$status, to: .accepted).update()
            // when
            let preview = try await fixture.send(.POST, "/invitations/bulk", #"{"action":"revoke","kind":"join","status":"pending","older_than_days":7}"#)
            let everyJoin = try await fixture.send(.POST, "/invitations/bulk", #"{"action":"revoke","kind":"join"}"#)
            let bad = try await fixture.send(.POST, "/invitations/bulk", #"{"action":"explode","kind":"toaster","older_than_days":-1,"confirm":true}"#)
            let revoked = try await fixture.send(.POST, "/invitations/bulk", #"{"action":"revoke","kind":"join","status":"pending","older_than_days":7,"confirm":true}"#)
            let everyJoinRevoked = try await fixture.send(.POST, "/invitations/bulk", #"{"action":"revoke","kind":"join","confirm":true}"#)
            // then
            #expect(try preview.content.get(Int.self, at: "matching") == 1)
            #expect(try everyJoin.content.get(Int.self, at: "matching") == 3)
            #expect(bad.status == .badRequest)
            #expect(try revoked.content.decode(InvitationBulk.Outcome.self) == .init(matching: 1, done: 1, refused: []))
            let outcome = try everyJoinRevoked.content.decode(InvitationBulk.Outcome.self)
            #expect(outcome.matching == 3 && outcome.done == 1)
            #expect(outcome.refused.count == 2 && outcome.refused.contains { $0.hasPrefix("done@example.com: ") })
            let statuses = try await Invitation.query(on: app.db).all().map { ($0.email, $0.status) }
            #expect(Dictionary(uniqueKeysWithValues: statuses) == [
                "old@example.com": .revoked, "new@example.com": .revoked, "done@example.com": .accepted, "person0@example.com": .pending,
            ])
        }
    }

    @Test("the console shows the number that would be resent before acting, then resends them")
    func consolePreviewAndResend() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "a@example.com\nb@example.com"], csrfFrom: "/console/invitations")
            let query = "action=resend&kind=join&status=pending&older_than_days=&batch="
            // when
            let step = try await admin.get("/console/invitations/bulk?\(query)")
            let unconfirmed = try await admin.post("/console/invitations/bulk", form: ["action": "resend", "kind": "join", "status": "pending"],
                                                   csrfFrom: "/console/invitations/bulk?\(query)")
            let sentBefore = try await OutboxMessage.query(on: app.db).count()
            let done = try await admin.post("/console/invitations/bulk", form: ["action": "resend", "kind": "join", "status": "pending", "confirm": "yes"],
                                            csrfFrom: "/console/invitations/bulk?\(query)")
            // then
            #expect(step.status == .ok)
            #expect(step.body.string.contains("Resend 2 pending join invitations?"))
            #expect(unconfirmed.status == .ok)
            #expect(sentBefore == 2)
            #expect(done.status == .seeOther)
            #expect(try await OutboxMessage.query(on: app.db).count() == 4)
        }
    }
}

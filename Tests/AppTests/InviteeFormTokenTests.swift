@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Invitee pages are opened by people, mail scanners and load: their GET must write nothing, and their form
/// token must be bound to the link it was issued for.
@Suite("Invitee pages: stateless form tokens")
struct InviteeFormTokenTests {
    @Test("opening a join link twice starts no session, stores none, and records the first open only")
    func joinPageWritesNothing() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "reader@example.com"], csrfFrom: "/console/invitations")
            let joinPath = try await OutboxReader.joinPath(app, to: "reader@example.com")
            let sessionsBefore = try await SessionRecord.query(on: app.db).count()

            // when: two visitors that keep no cookies (a scanner, then the invitee)
            let first = try await app.testing().sendRequest(.GET, joinPath)
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == "reader@example.com").first())
            let firstOpen = try #require(invitation.openedAt)
            let second = try await app.testing().sendRequest(.GET, joinPath)

            // then
            #expect(first.status == .ok)
            #expect(second.status == .ok)
            #expect(second.body.string.contains(#"name="_csrf""#))
            #expect(first.headers[.setCookie].isEmpty, "no session is started for a visitor without one")
            #expect(try await SessionRecord.query(on: app.db).count() == sessionsBefore)
            let reloaded = try #require(try await Invitation.find(invitation.id, on: app.db))
            #expect(reloaded.openedAt == firstOpen)
        }
    }

    @Test("a join form token works on its own link only, and a console token does not work on a link")
    func tokenIsBoundToItsLink() async throws {
        try await withHerald { app in
            // given: two invitations, and an invitee holding the page of the first
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "one@example.com\ntwo@example.com"], csrfFrom: "/console/invitations")
            let onePath = try await OutboxReader.joinPath(app, to: "one@example.com")
            let twoPath = try await OutboxReader.joinPath(app, to: "two@example.com")
            var invitee = BrowserSession(app)
            let oneToken = try await invitee.csrfToken(from: onePath)
            let consoleToken = try await invitee.csrfToken(from: "/signin")
            let form = ["mode": "create", "name": "Nia Two", "password": "Correct-Horse-42-Staple", "password_confirmation": "Correct-Horse-42-Staple"]

            // when
            let crossLink = try await invitee.post(twoPath, form: form, csrf: .some(oneToken))
            let sessionToken = try await invitee.post(twoPath, form: form, csrf: .some(consoleToken))
            let missing = try await invitee.post(twoPath, form: form, csrf: .some(nil))
            let ownLink = try await invitee.post(onePath, form: form.merging(["name": "Nia One"]) { $1 }, csrf: .some(oneToken))

            // then: the forged ones are refused before anything is created
            #expect(crossLink.status == .forbidden)
            #expect(sessionToken.status == .forbidden)
            #expect(missing.status == .forbidden)
            #expect(try await Account.query(on: app.db).filter(\.$email == "two@example.com").count() == 0)
            #expect(ownLink.status == .seeOther)
            #expect(try await Account.query(on: app.db).filter(\.$email == "one@example.com").first()?.name == "Nia One")
        }
    }
}

@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Revoking and resending install invitations in the API and the console, so a leaked code can be withdrawn.
@Suite("Install invitations can be revoked and resent")
struct InstallInvitationChangesTests {
    /// An administrator with an API token, and two install invitations of their organization.
    private func invited(_ app: Application) async throws -> (HTTPHeaders, LicenseFixtures.Invited) {
        let headers = try await HeaderBoundTextTests.apiHeaders(app)
        let organization = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
        return (headers, try await LicenseFixtures.invite(app, organization: organization, seats: 2, people: 2))
    }

    private func invitationID(_ app: Application, email: String) async throws -> String {
        try #require(try await Invitation.query(on: app.db).filter(\.$email == email).filter(\.$kind == .install).first()).requireID().uuidString
    }

    @Test("API: a revoked code no longer activates, and revoking twice is a 409")
    func revokeThroughTheAPI() async throws {
        try await withHerald { app in
            // given
            let (headers, invited) = try await invited(app)
            let id = try await invitationID(app, email: invited.rows[0].email)
            // when
            let revoked = try await app.testing().sendRequest(.POST, "/api/v1/invitations/\(id)/revoke", headers: headers)
            let again = try await app.testing().sendRequest(.POST, "/api/v1/invitations/\(id)/revoke", headers: headers)
            let activation = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-leaked-0001")
            let other = try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-rightful-02")
            let list = try await app.testing().sendRequest(.GET, "/api/v1/invitations?kind=install", headers: headers)
            // then
            #expect(revoked.status == .noContent, "\(revoked.body.string)")
            #expect(again.status == .conflict)
            #expect(activation.status == .gone)
            #expect(activation.headers.first(name: "Herald-Activation-Error") == "invitation-revoked")
            #expect(other.status == .created)
            #expect(list.body.string.contains("\"status\":\"revoked\""))
        }
    }

    @Test("API: a resent invitation has a new code that activates; the old code is unknown and a new email is queued")
    func resendThroughTheAPI() async throws {
        try await withHerald { app in
            // given
            let (headers, invited) = try await invited(app)
            let email = invited.rows[0].email
            let id = try await invitationID(app, email: email)
            let queuedBefore = try await OutboxMessage.query(on: app.db).count()
            // when
            let resent = try await app.testing().sendRequest(.POST, "/api/v1/invitations/\(id)/resend", headers: headers)
            let batchID = try #require(try await Invitation.find(UUID(uuidString: id), on: app.db)?.batchID)
            let rows = try await InstallInvitationExport.rows(batchID: batchID, organizationID: try invited.organization.requireID(), limit: 10,
                                                              secrets: app.herald.installInvitationSecrets, on: app.db)
            let newCode = try #require(rows.first { $0.email == email }?.activationCode)
            let old = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-leaked-0001")
            let new = try await LicenseFixtures.activate(app, code: newCode, fingerprint: "fp-rightful-01")
            // then
            #expect(resent.status == .accepted, "\(resent.body.string)")
            #expect(newCode != invited.codes[0])
            #expect(old.status == .notFound)
            #expect(new.status == .created, "\(new.body.string)")
            #expect(try await OutboxMessage.query(on: app.db).count() == queuedBefore + 1)
            let oldPage = try await app.testing().sendRequest(.GET, try #require(URL(string: invited.rows[0].downloadURL)).path)
            #expect(oldPage.status == .gone)
            #expect(oldPage.body.string.contains("A newer invitation was sent to you after this one"))
            let accepted = try await app.testing().sendRequest(.POST, "/api/v1/invitations/\(id)/resend", headers: headers)
            #expect(accepted.status == .conflict, "an accepted invitation is not resent")
        }
    }

    @Test("console: install rows offer Resend and Revoke; revoke goes through the confirmation step")
    func consoleActions() async throws {
        try await withHerald { app in
            // given
            let (_, invited) = try await invited(app)
            let id = try await invitationID(app, email: invited.rows[0].email)
            var admin = BrowserSession(app)
            _ = try await admin.post("/signin", form: ["email": "admin@example.com", "password": "Correct-Horse-42"])
            // when
            let list = try await admin.get("/console/invitations?kind=install")
            let oneClick = try await admin.post("/console/invitations/\(id)/revoke", form: [:], csrfFrom: "/console/invitations")
            let stillPending = try await Invitation.find(UUID(uuidString: id), on: app.db)?.status
            let confirmed = try await admin.post("/console/invitations/\(id)/revoke", form: ["confirm": "yes"], csrfFrom: "/console/invitations")
            let resent = try await admin.post("/console/invitations/\(try await invitationID(app, email: invited.rows[1].email))/resend",
                                              form: [:], csrfFrom: "/console/invitations")
            // then
            #expect(list.body.string.contains("/console/invitations/\(id)/revoke"))
            #expect(list.body.string.contains("/console/invitations/\(id)/resend"))
            #expect(stillPending == .pending, "one click alone changes nothing")
            #expect(oneClick.body.string.contains(invited.rows[0].email))
            #expect(confirmed.status == .seeOther)
            #expect(try await Invitation.find(UUID(uuidString: id), on: app.db)?.status == .revoked)
            #expect(try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-leaked-0001").status == .gone)
            #expect(resent.status == .seeOther)
            #expect(try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-rightful-02").status == .notFound)
        }
    }
}

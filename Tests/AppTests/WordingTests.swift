@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// What the console, the API and emails say, as words: field labels instead of field names, outcomes and audit
/// actions in words, member changes as sentences, and date-only expiries as the day that was typed.
@Suite("Words instead of codes")
struct WordingTests {
    @Test("a field problem reads its field name; a person reads the field's label, the API both", arguments: [
        ("password_confirmation: the two passwords differ", "password_confirmation", "Repeat the password: the two passwords differ"),
        ("csv: line 3: 'bob@' is not an email address", "csv", "CSV file: line 3: 'bob@' is not an email address"),
        ("emails: enter at least one email address", "emails", "Email addresses: enter at least one email address"),
        ("Too many attempts. Wait a few minutes.", nil, "Too many attempts. Wait a few minutes."),
        ("unknown_field: x", "unknown_field", "unknown_field: x"),
    ])
    func fieldProblems(line: String, field: String?, readable: String) {
        let problem = ProblemLine(line: line)
        #expect(problem.field == field)
        #expect(problem.humanized(catalog: LocalizationTests.catalog) == readable)
    }

    @Test("the API names each problem's field and says what is wrong; the reason stays as it was")
    func apiProblems() async throws {
        try await withHerald { app in
            // given
            let created = try await TestData.administrator(app, email: "ada@example.com", password: "Correct-Horse-42", organization: "Acme")
            let token = try await APITokenService.create(name: "ci", scope: .administration, organizationID: try created.organization.requireID(),
                                                         accountID: try created.account.requireID(), actor: .commandLine, on: app.db).token
            let headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
            let membership = try #require(try await Membership.query(on: app.db).first())
            // when
            let bad = try await app.testing().sendRequest(.POST, "/api/v1/license-keys", headers: headers,
                                                          body: ByteBuffer(string: #"{"name":"","product":"Pro","seats":0}"#))
            let last = try await app.testing().sendRequest(.POST, "/api/v1/members/\(try membership.requireID())/demote", headers: headers,
                                                           body: ByteBuffer(string: "{}"))
            // then
            let body = try bad.content.decode(HeraldErrorMiddleware.APIErrorBody.self)
            #expect(body.reason.contains("name: is required"))
            #expect(body.problems?.contains(ProblemLine(field: "name", message: "is required")) == true)
            #expect(body.problems?.contains { $0.field == "seats" } == true)
            let refusal = try last.content.decode(HeraldErrorMiddleware.APIErrorBody.self)
            #expect(last.status == .conflict)
            #expect(refusal.problems == [ProblemLine(field: "member", message:
                "ada@example.com is the last Account Administrator and cannot be made a Regular Member; make someone else an administrator first.")])
        }
    }

    @Test("console pages say outcomes, member changes and audit actions in words")
    func consoleWords() async throws {
        try await withHerald { app in
            // given
            let path = try await TestData.bobInvitedToAcme(app)
            var admin = BrowserSession(app)
            _ = try await admin.post("/signin", form: ["email": "admin@example.com", "password": "Correct-Horse-42"])
            // when
            let invited = try await admin.post("/console/invitations/join", form: ["emails": "admin@example.com\nbob@"], csrfFrom: "/console/invitations")
            let long = try await admin.post("/console/invitations/join", form: ["emails": "x@example.com", "message": String(repeating: "a", count: 2001)],
                                            csrfFrom: "/console/invitations")
            var bob = BrowserSession(app)
            _ = try await bob.post(path, form: ["mode": "signin", "password": "Bobs-Password-1"], csrfFrom: path)
            let bobs = try #require(try await Membership.query(on: app.db).join(Account.self, on: \Membership.$account.$id == \Account.$id)
                .filter(Account.self, \.$email == "bob@example.com").filter(\.$status == .active).all().first { $0.role == .member })
            _ = try await admin.post("/console/members/\(try bobs.requireID())/promote", form: [:], csrfFrom: "/console/members")
            let members = try await admin.get("/console/members").body.string
            let audit = try await admin.get("/console/audit").body.string
            // then
            #expect(invited.body.string.contains(">Already a member<"))
            #expect(invited.body.string.contains(">Not an email address<"))
            #expect(!invited.body.string.contains(">already_member<"))
            #expect(long.body.string.contains("Personal message: must be at most 2000 characters"))
            #expect(members.contains("bob@example.com is now an Account Administrator."))
            #expect(!members.contains("promote done"))
            #expect(audit.contains(">Member made administrator<") && audit.contains(">Organization created<"))
            #expect(!audit.contains(">member.promote<"))
        }
    }

    @Test("a key's expiry typed as a date shows as that date: console, CLI text, emails in each language")
    func dateOnlyExpiry() async throws {
        // given: what the console stores for "2027-06-30"
        let input = try LicenseKeyInput(name: "K", product: "Pro", seats: 1, expires: "2027-06-30", secret: "S-1").validate().get()
        let end = try #require(input.expiresAt)
        // then
        #expect(DisplayDate.format(end) == "2027-07-01 00:00:00 UTC")  // the instant it stops working
        #expect(DisplayDate.expiry(end) == "2027-06-30")
        #expect(LocalizedDate.format(end, .en) == "June 30, 2027")
        #expect(LocalizedDate.format(end, .de) == "30. Juni 2027")
        #expect(LocalizedDate.format(end, .fr) == "30 juin 2027")
        #expect(LocalizedDate.format(end, .ja) == "2027年6月30日")
        // a moment that is not a day's end keeps its time
        let moment = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(DisplayDate.expiry(moment) == DisplayDate.format(moment))
        #expect(LocalizedDate.format(moment, .en).hasSuffix(" UTC"))
        try await withHerald { app in
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/licenses", form: ["name": "Fleet", "product": "Pro", "seats": "3", "expires": "2027-06-30", "key": "SECRET-1"],
                                     csrfFrom: "/console/licenses")
            let list = try await admin.get("/console/licenses").body.string
            #expect(list.contains(">2027-06-30</td>"))
            #expect(!list.contains("2027-07-01"))
        }
    }
}

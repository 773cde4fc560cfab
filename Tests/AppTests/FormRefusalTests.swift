@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Refused console forms are shown in place: inside the console, next to the form, with what was typed")
struct FormRefusalTests {
    /// The refusal shown on a console page: its text, and whether the page is the console (navigation and all).
    static func refusal(_ html: String) -> String? {
        html.firstMatch(of: /id="refusal">([^<]*)</)?.output.1.description
    }

    static func isConsolePage(_ html: String) -> Bool { html.contains(#"<nav class="sidebar""#) }

    @Test("a note too long and promoting a blocked member are refused in the member's row, the note kept")
    func memberRowRefusals() async throws {
        try await withHerald { app in
            // given
            var (admin, _, nia) = try await MembersTests.acmeWithMember(app)
            let id = try nia.requireID().uuidString
            let note = String(repeating: "n", count: 1001)
            // when
            let long = try await admin.post("/console/members/\(id)/promote", form: ["note": note], csrfFrom: "/console/members")
            _ = try await admin.post("/console/members/\(id)/block", form: [Confirmation.field: Confirmation.value], csrfFrom: "/console/members")
            let blocked = try await admin.post("/console/members/\(id)/promote", form: [:], csrfFrom: "/console/members")
            // then
            #expect(long.status == .badRequest)
            #expect(Self.isConsolePage(long.body.string))
            let row = try #require(long.body.string.firstMatch(of: /<tr data-email="nia@example.com">(?s:.*?)<\/tr>/)).output
            #expect(row.contains(#"id="refusal">must be at most 1000 characters<"#), "\(row)")
            #expect(row.contains(#"value="\#(note)""#))
            #expect(blocked.status == .conflict)
            #expect(Self.refusal(blocked.body.string)?.contains("unblock them before promoting") == true)
            #expect(try await Membership.find(nia.id, on: app.db)?.role == .member)
        }
    }

    @Test("an API token name that is refused is shown next to the name field, as typed")
    func apiTokenName() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let name = String(repeating: "t", count: 101)
            // when
            let response = try await admin.post("/console/api-tokens", form: ["name": name], csrfFrom: "/console/api-tokens")
            // then
            let html = response.body.string
            #expect(response.status == .badRequest)
            #expect(Self.isConsolePage(html))
            #expect(Self.refusal(html) == "must be at most 100 characters")
            #expect(html.contains(#"value="\#(name)" aria-invalid="true""#))
            #expect(try await APIToken.query(on: app.db).count() == 0)
        }
    }

    @Test("a test email to no address, or to more than 20, is refused next to the To field, the list kept")
    func testEmailList() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let many = (1...21).map { "p\($0)@example.test" }.joined(separator: "; ")
            // when
            let empty = try await admin.post("/console/mail/test", form: ["to": " ; "], csrfFrom: "/console/mail")
            let tooMany = try await admin.post("/console/mail/test", form: ["to": many], csrfFrom: "/console/mail")
            // then
            #expect(empty.status == .badRequest)
            #expect(Self.isConsolePage(empty.body.string))
            #expect(Self.refusal(empty.body.string)?.hasPrefix("enter at least one address") == true)
            #expect(tooMany.status == .badRequest)
            #expect(Self.refusal(tooMany.body.string) == "at most 20 addresses per test")
            #expect(tooMany.body.string.contains(#"value="\#(many)""#))
        }
    }

    @Test("resending a revoked invitation is refused in its row of the list")
    func resendRevoked() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "eve@example.com"], csrfFrom: "/console/invitations")
            let eve = try #require(try await Invitation.query(on: app.db).filter(\.$email == "eve@example.com").first())
            _ = try await admin.post("/console/invitations/\(try eve.requireID())/revoke", form: [Confirmation.field: Confirmation.value], csrfFrom: "/console/invitations")
            // when
            let response = try await admin.post("/console/invitations/\(try eve.requireID())/resend", form: [:], csrfFrom: "/console/invitations")
            // then
            #expect(response.status == .conflict)
            #expect(Self.isConsolePage(response.body.string))
            let row = try #require(response.body.string.firstMatch(of: /<tr data-email="eve@example.com">(?s:.*?)<\/tr>/)).output
            #expect(row.contains(#"id="refusal""#), "\(row)")
        }
    }
}

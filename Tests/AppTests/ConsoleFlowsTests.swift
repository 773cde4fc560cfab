@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Console flows: what is offered fits the person or group; a new member is welcomed in their language")
struct ConsoleFlowsTests {
    @Test("a blocked member is offered no promotion, and promoting them is refused")
    func blockedMemberIsNotPromoted() async throws {
        try await withHerald { app in
            // given: Nia blocked
            var (admin, _, nia) = try await MembersTests.acmeWithMember(app)
            let id = try nia.requireID().uuidString
            _ = try await admin.post("/console/members/\(id)/block", form: [Confirmation.field: Confirmation.value], csrfFrom: "/console/members")
            // when
            let page = try await admin.get("/console/members").body.string
            let promote = try await admin.post("/console/members/\(id)/promote", form: [:], csrfFrom: "/console/members")
            // then
            let row = try #require(page.firstMatch(of: /<tr data-email="nia@example.com">(?s:.*?)<\/tr>/)).output
            #expect(!row.contains("/promote"), "\(row)")
            #expect(row.contains("/unblock"))
            #expect(promote.status == .conflict)
            #expect(try await Membership.find(nia.id, on: app.db)?.role == .member)
        }
    }

    @Test("a group page offers only users and groups that are not members yet")
    func groupOffersOnlyNonMembers() async throws {
        try await withHerald { app in
            // given: Ops holds Dora and the group Night; Eli and the group Day are outside
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let acme = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
            let acmeID = try acme.requireID()
            let dora = try await DirectoryStore.createUser(name: "Dora", email: "dora@example.com", enabled: true, organizationID: acmeID, actor: .system, on: app.db)
            _ = try await DirectoryStore.createUser(name: "Eli", email: "eli@example.com", enabled: true, organizationID: acmeID, actor: .system, on: app.db)
            let ops = try await DirectoryStore.createGroup(name: "Ops", organizationID: acmeID, actor: .system, on: app.db)
            let night = try await DirectoryStore.createGroup(name: "Night", organizationID: acmeID, actor: .system, on: app.db)
            _ = try await DirectoryStore.createGroup(name: "Day", organizationID: acmeID, actor: .system, on: app.db)
            try await DirectoryStore.addUser(dora, to: ops, actor: .system, on: app.db)
            try await DirectoryStore.addGroup(night, to: ops, actor: .system, on: app.db)
            // when
            let page = try await admin.get("/console/directory/groups/\(try ops.requireID())").body.string
            // then
            let userOptions = try #require(page.firstMatch(of: /<select name="user_id">(.*?)<\/select>/)).output.1
            let groupOptions = try #require(page.firstMatch(of: /<select name="member_group_id">(.*?)<\/select>/)).output.1
            #expect(userOptions.contains("eli@example.com") && !userOptions.contains("dora@example.com"), "\(userOptions)")
            #expect(groupOptions.contains(">Day<") && !groupOptions.contains(">Night<") && !groupOptions.contains(">Ops<"), "\(groupOptions)")
        }
    }

    @Test("joining lands on a welcome page in the invitation's language naming the organization and the role")
    func newMemberIsWelcomed() async throws {
        try await withHerald { app in
            // given: Nia invited in French
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "nia@example.com", "language": "fr"], csrfFrom: "/console/invitations")
            let path = try await OutboxReader.joinPath(app, to: "nia@example.com")
            var nia = BrowserSession(app)
            // when
            let joined = try await nia.post(path, form: ["mode": "create", "name": "Nia", "password": "Sturdy-Pass-77", "password_confirmation": "Sturdy-Pass-77"], csrfFrom: path)
            let welcome = try await nia.get(try #require(joined.headers.first(name: .location)))
            // then
            #expect(joined.headers.first(name: .location) == "/console/welcome")
            let html = welcome.body.string
            #expect(welcome.status == .ok)
            #expect(html.contains(#"<html lang="fr">"#))
            #expect(html.contains("Bienvenue dans Acme"))
            #expect(html.contains("Vous avez rejoint Acme en tant que Membre standard."), "\(html)")
            #expect(html.contains(#"href="/console""#))
        }
    }
}

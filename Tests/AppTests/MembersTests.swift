@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Members: roles, notes, block, remove, the last administrator")
struct MembersTests {
    /// Acme with its administrator signed in, plus Nia as a Regular Member who signed in too.
    static func acmeWithMember(_ app: Application) async throws -> (admin: BrowserSession, member: BrowserSession, nia: Membership) {
        var admin = BrowserSession(app)
        try await admin.signInAsNewAdministrator()
        _ = try await admin.post("/console/invitations/join", form: ["emails": "nia@example.com", "language": "fr"], csrfFrom: "/console/invitations")
        let path = try await OutboxReader.joinPath(app, to: "nia@example.com")
        var member = BrowserSession(app)
        _ = try await member.post(path, form: ["mode": "create", "name": "Nia", "password": "Sturdy-Pass-77", "password_confirmation": "Sturdy-Pass-77"], csrfFrom: path)
        let nia = try #require(try await Membership.query(on: app.db).join(Account.self, on: \Membership.$account.$id == \Account.$id)
            .filter(Account.self, \.$email == "nia@example.com").with(\.$account).first())
        return (admin, member, nia)
    }

    @Test("promotion with a note is kept in the member list and the audit log")
    func promoteWithNote() async throws {
        try await withHerald { app in
            var (admin, _, nia) = try await Self.acmeWithMember(app)
            let response = try await admin.post("/console/members/\(try nia.requireID().uuidString)/promote", form: ["note": "runs the licenses now"], csrfFrom: "/console/members")
            #expect(response.status == .seeOther)
            let page = try await admin.get("/console/members").body.string
            #expect(page.contains("runs the licenses now"))
            let audit = try await admin.get("/console/audit").body.string
            #expect(audit.contains("member.promote"))
            #expect(audit.contains("note: runs the licenses now, role: Account Administrator"))
        }
    }

    @Test("the last administrator cannot be demoted, blocked, removed or leave")
    func lastAdministratorStays() async throws {
        try await withHerald { app in
            var (admin, _, _) = try await Self.acmeWithMember(app)
            let me = try #require(try await Membership.query(on: app.db).filter(\.$role == .administrator).first())
            for action in ["demote", "block", "remove"] {
                let response = try await admin.post("/console/members/\(try me.requireID().uuidString)/\(action)", form: ["confirm": "yes"], csrfFrom: "/console/members")
                #expect(response.status == .conflict, "\(action)")
                #expect(response.body.string.contains("last Account Administrator"))
            }
            let leave = try await admin.post("/console/leave", form: ["confirm": "yes"], csrfFrom: "/console")
            #expect(leave.status == .conflict)
            #expect(try await Membership.find(me.id, on: app.db)?.role == .administrator)
            #expect(try await Membership.find(me.id, on: app.db)?.status == .active)
        }
    }

    @Test("a blocked member loses access and is told by email in their language; unblocking restores it")
    func blockAndUnblock() async throws {
        try await withHerald { app in
            var (admin, member, nia) = try await Self.acmeWithMember(app)
            #expect(try await member.get("/console").status == .ok)
            _ = try await admin.post("/console/members/\(try nia.requireID().uuidString)/block", form: ["confirm": "yes"], csrfFrom: "/console/members")
            #expect(try await member.get("/console").status == .forbidden)
            let notice = try #require(try await OutboxReader.messages(app, to: "nia@example.com").last)
            #expect(notice.subject == "Votre accès à Acme est bloqué")
            _ = try await admin.post("/console/members/\(try nia.requireID().uuidString)/unblock", form: [:], csrfFrom: "/console/members")
            #expect(try await member.get("/console").status == .ok)
            #expect(try await OutboxReader.messages(app, to: "nia@example.com").last?.subject == "Votre accès à Acme est rétabli")
        }
    }

    @Test("a removed member is told, loses access, and can be invited again")
    func removeAndReinvite() async throws {
        try await withHerald { app in
            var (admin, member, nia) = try await Self.acmeWithMember(app)
            _ = try await admin.post("/console/members/\(try nia.requireID().uuidString)/remove", form: ["confirm": "yes"], csrfFrom: "/console/members")
            #expect(try await member.get("/console").status == .forbidden)
            #expect(try await OutboxReader.messages(app, to: "nia@example.com").last?.subject == "Vous avez été retiré de Acme")
            let again = try await admin.post("/console/invitations/join", form: ["emails": "nia@example.com"], csrfFrom: "/console/invitations")
            #expect(again.body.string.contains("outcome-invited"))
            let path = try await OutboxReader.joinPath(app, to: "nia@example.com")
            let rejoined = try await member.post(path, form: ["mode": "signin", "password": "Sturdy-Pass-77"], csrfFrom: path)
            #expect(rejoined.status == .seeOther)
            #expect(try await Membership.find(nia.id, on: app.db)?.status == .active)
        }
    }
}

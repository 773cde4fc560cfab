@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import VaporTesting

@Suite("Join invitations")
struct JoinInvitationTests {
    @Test("inviting reports every line: invited, already a member, already invited, invalid, duplicate")
    func perRowResults() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "new@example.com"], csrfFrom: "/console/invitations")
            // when
            let emails = "admin@example.com\nnew@example.com\nbob@\nfresh@example.com\nFresh@example.com"
            let page = try await admin.post("/console/invitations/join", form: ["emails": emails, "language": "de"], csrfFrom: "/console/invitations")
            // then
            let html = page.body.string
            #expect(page.status == .ok)
            #expect(html.contains("<td>1</td><td>admin@example.com</td><td class=\"outcome-already_member\">"))
            #expect(html.contains("<td>2</td><td>new@example.com</td><td class=\"outcome-already_invited\">"))
            #expect(html.contains("<td>3</td><td></td><td class=\"outcome-invalid\">"))
            #expect(html.contains("<td>4</td><td>fresh@example.com</td><td class=\"outcome-invited\">"))
            #expect(html.contains("outcome-duplicate"))
            #expect(try await OutboxReader.messages(app, to: "new@example.com").count == 1)
            let german = try #require(try await OutboxReader.messages(app, to: "fresh@example.com").first)
            #expect(german.subject == "Ada Admin (admin@example.com) lädt Sie zu Acme ein")
            let text = OutboxReader.text(german)
            #expect(text.contains("https://herald.test/join/"))
            let stored = try #require(try await Invitation.query(on: app.db).filter(\.$email == "fresh@example.com").first())
            #expect(stored.tokenHash?.count == 64)
            #expect(!text.contains(stored.tokenHash!))
        }
    }

    @Test("a new person creates an account from the link and joins; the GET changed nothing; the link works once")
    func newPersonJoins() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "newbie@example.com", "message": "Welcome aboard <b>!</b>"], csrfFrom: "/console/invitations")
            let path = try await OutboxReader.joinPath(app, to: "newbie@example.com")
            var invitee = BrowserSession(app)
            // when
            let page = try await invitee.get(path)
            let statusAfterGet = try await Invitation.query(on: app.db).filter(\.$email == "newbie@example.com").first()?.status
            let weak = try await invitee.post(path, form: ["mode": "create", "name": "Nia", "password": "short", "password_confirmation": "short"], csrfFrom: path)
            let joined = try await invitee.post(path, form: ["mode": "create", "name": "Nia", "password": "Sturdy-Pass-77", "password_confirmation": "Sturdy-Pass-77"], csrfFrom: path)
            var stranger = BrowserSession(app)
            let again = try await stranger.get(path)
            // then
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Welcome aboard &lt;b&gt;!&lt;/b&gt;"))
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            #expect(statusAfterGet == .pending)
            #expect(weak.status == .unprocessableEntity)
            #expect(joined.status == .seeOther)
            #expect(try await invitee.get("/console").status == .ok)
            #expect(again.status == .gone)
            let membership = try #require(try await Membership.query(on: app.db).join(Account.self, on: \Membership.$account.$id == \Account.$id)
                .filter(Account.self, \.$email == "newbie@example.com").first())
            #expect(membership.role == .member)
            let audit = try await AuditEvent.query(on: app.db).all().map(\.action)
            #expect(audit.contains(.joinInvitationAccepted))
            #expect(audit.contains(.memberJoined))
        }
    }

    @Test("a person with an account signs in on the join page; a wrong password is refused")
    func existingAccountJoins() async throws {
        try await withHerald { app in
            // given: Bob administers Globex and is invited to Acme as an administrator
            _ = try await TestData.administrator(app, email: "bob@example.com", password: "Bobs-Password-1", organization: "Globex")
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "bob@example.com", "role": "administrator"], csrfFrom: "/console/invitations")
            let path = try await OutboxReader.joinPath(app, to: "bob@example.com")
            var bob = BrowserSession(app)
            // when
            let wrong = try await bob.post(path, form: ["mode": "signin", "password": "Not-Bobs-1"], csrfFrom: path)
            let joined = try await bob.post(path, form: ["mode": "signin", "password": "Bobs-Password-1"], csrfFrom: path)
            // then
            #expect(wrong.status == .unauthorized)
            #expect(joined.status == .seeOther)
            let members = try await bob.get("/console/members").body.string
            #expect(members.contains("bob@example.com"))
            #expect(members.contains(">Globex</option>"))
        }
    }

    @Test("concurrent joins with one link: exactly one succeeds")
    func singleUseUnderConcurrency() async throws {
        try await withHerald { app in
            _ = try await TestData.administrator(app, email: "carol@example.com", password: "Carols-Password-1", organization: "Initech")
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "carol@example.com"], csrfFrom: "/console/invitations")
            let path = try await OutboxReader.joinPath(app, to: "carol@example.com")
            let (invitation, _) = try await JoinRedemption.link(token: String(path.split(separator: "/").last!), reads: app.herald.hotReads, on: app.db)
            let carol = try #require(try await Account.find(email: "carol@example.com", on: app.db))
            // when: twelve requests accept at once (the HTTP layer's checks all pass before any commits)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<12 {
                    group.addTask { (try? await JoinRedemption.accept(invitation, account: carol, on: app.db)) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            // then
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await Membership.query(on: app.db).filter(\.$account.$id == carol.requireID()).count() == 2)
            var late = BrowserSession(app)
            #expect(try await late.get(path).status == .gone)
        }
    }

    @Test("resend sends a new link and the old one stops working; revoke and expiry get clear pages")
    func resendRevokeExpire() async throws {
        try await withHerald { app in
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "dan@example.com\neve@example.com\nfay@example.com", "expires_in_days": "3"], csrfFrom: "/console/invitations")
            let oldPath = try await OutboxReader.joinPath(app, to: "dan@example.com")
            let dan = try #require(try await Invitation.query(on: app.db).filter(\.$email == "dan@example.com").first())
            dan.expiresAt = Date().addingTimeInterval(60)
            try await dan.save(on: app.db)
            // when
            let resent = try await admin.post("/console/invitations/\(try dan.requireID().uuidString)/resend", form: [:], csrfFrom: "/console/invitations")
            let newPath = try await OutboxReader.joinPath(app, to: "dan@example.com")
            let eve = try #require(try await Invitation.query(on: app.db).filter(\.$email == "eve@example.com").first())
            _ = try await admin.post("/console/invitations/\(try eve.requireID().uuidString)/revoke", form: ["confirm": "yes"], csrfFrom: "/console/invitations")
            let fay = try #require(try await Invitation.query(on: app.db).filter(\.$email == "fay@example.com").first())
            fay.expiresAt = Date().addingTimeInterval(-1)
            try await fay.save(on: app.db)
            var visitor = BrowserSession(app)
            // then
            #expect(resent.status == .seeOther)
            #expect(newPath != oldPath)
            let superseded = try await visitor.get(oldPath)
            #expect(superseded.status == .gone)
            #expect(superseded.body.string.contains("A newer invitation to Acme was sent to you after this one"))
            #expect(superseded.body.string.contains("Open the link in the most recent invitation email."))
            #expect(try await visitor.get(newPath).status == .ok)
            let refreshed = try #require(try await Invitation.find(dan.id, on: app.db))
            #expect(refreshed.expiresAt > Date().addingTimeInterval(2.9 * 86_400))
            let revoked = try await visitor.get(try await OutboxReader.joinPath(app, to: "eve@example.com"))
            #expect(revoked.status == .gone)
            #expect(revoked.body.string.contains("withdrawn"))
            let expired = try await visitor.get(try await OutboxReader.joinPath(app, to: "fay@example.com"))
            #expect(expired.status == .gone)
            #expect(expired.body.string.contains("expired"))
            let list = try await admin.get("/console/invitations?status=expired").body.string
            #expect(list.contains("fay@example.com"))
            #expect(!list.contains("dan@example.com"))
        }
    }

    @Test("a German invitation shows the join page in German, and ?lang= switches")
    func germanJoinPage() async throws {
        try await withHerald { app in
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "gerd@example.com", "language": "de"], csrfFrom: "/console/invitations")
            let path = try await OutboxReader.joinPath(app, to: "gerd@example.com")
            var gerd = BrowserSession(app)
            let german = try await gerd.get(path).body.string
            let japanese = try await gerd.get(path + "?lang=ja").body.string
            #expect(german.contains("<html lang=\"de\">"))
            #expect(german.contains("Konto erstellen und beitreten"))
            #expect(japanese.contains("アカウントを作成して参加"))
            let fr = try await app.testing().sendRequest(.GET, "/join/nope", headers: ["Accept-Language": "fr-FR,fr;q=0.9"])
            #expect(fr.status == .notFound)
            #expect(fr.body.string.contains("pas valide. Vérifiez que vous avez ouvert le lien complet"))
        }
    }
}

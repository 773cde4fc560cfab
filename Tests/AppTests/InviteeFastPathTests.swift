@testable import App
import Fluent
import Foundation
import HeraldCore
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The invitee pages' fast paths must answer exactly what the slow ones would: the direct SQLite read what SQLKit
/// reads, a skeleton page what Leaf renders.
@Suite("Invitee pages: direct reads and page skeletons")
struct InviteeFastPathTests {
    @Test("$n parameters become binds for SQLKit, in their own order")
    func parametersBecomeBinds() async throws {
        try await withHerald { app in
            let query = HotReads.queryString("SELECT a FROM t WHERE b = $2 AND c = $1 AND d = '$9'", ["one", "two"])
            var serializer = SQLSerializer(database: try app.db.sql)
            query.serialize(to: &serializer)
            let placeholders = TestDatabase.isPostgres ? ("$1", "$2") : ("?1", "?2")
            #expect(serializer.sql == "SELECT a FROM t WHERE b = \(placeholders.0) AND c = \(placeholders.1) AND d = '$9'")
            #expect(serializer.binds.map { $0 as? String } == ["two", "one"])
        }
    }

    @Test("a join link read directly equals the link read through SQLKit, and sees a revocation at once")
    func directReadMatchesSQLKit() async throws {
        try await withHerald { app in
            // given: a join invitation whose texts carry quotes and markup
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "o'neil@example.com", "message": #"<b>"Welcome" & 'hi'</b>"#],
                                     csrfFrom: "/console/invitations")
            let token = String(try await OutboxReader.joinPath(app, to: "o'neil@example.com").split(separator: "/").last!)

            // when
            let reads = app.herald.hotReads
            let direct = try #require(try await JoinLink.find(token: token, reads: reads, on: app.db))
            let viaSQLKit = try #require(try await JoinLink.find(token: token, reads: HotReads(direct: nil), on: app.db))
            let invitation = try #require(try await Invitation.find(direct.invitationID, on: app.db))
            invitation.status = .revoked
            try await invitation.save(on: app.db)
            let afterRevoke = try #require(try await JoinLink.find(token: token, reads: reads, on: app.db))

            // then
            #expect(reads.direct != nil || TestDatabase.isPostgres)
            #expect(String(describing: direct) == String(describing: viaSQLKit))
            #expect(direct.message == #"<b>"Welcome" & 'hi'</b>"#)
            #expect(afterRevoke.status() == .revoked)
            #expect(try await JoinLink.find(token: "not-a-token", reads: reads, on: app.db) == nil)
        }
    }

    @Test("join pages from skeletons equal Leaf's pages, for every shape and for markup in every text")
    func skeletonPagesEqualLeaf() async throws {
        try await withHerald { app in
            // given: invitations with and without a message, one with markup in it
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let messages = ["plain@example.com": "", "marked@example.com": #"<script>alert("x")</script> & 'quotes'"#]
            for (email, message) in messages {
                _ = try await admin.post("/console/invitations/join", form: ["emails": email, "message": message], csrfFrom: "/console/invitations")
            }

            for email in messages.keys.sorted() {
                let path = try await OutboxReader.joinPath(app, to: email)
                for query in ["", "?lang=de", "?lang=ja"] {
                    // when: the first view makes the skeleton, the second is filled from it
                    let first = try await app.testing().sendRequest(.GET, path + query)
                    let second = try await app.testing().sendRequest(.GET, path + query)
                    let leaf = try await leafPage(app, path: path + query)

                    // then
                    #expect(first.status == .ok)
                    #expect(second.body.string == leaf, "\(email)\(query)")
                    #expect(second.headers.first(name: .contentType) == "text/html; charset=utf-8")
                    #expect(second.headers.first(name: .cacheControl) == "no-store")
                }
            }
            let marked = try await app.testing().sendRequest(.GET, try await OutboxReader.joinPath(app, to: "marked@example.com"))
            #expect(marked.body.string.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"))
            #expect(!marked.body.string.contains("<script>"))
        }
    }

    @Test("a join link opened before is answered without a task, with the page the async path renders; anything else is left to it")
    func taskFreeJoinPage() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            for email in ["kept@example.com", "revoked@example.com"] {
                _ = try await admin.post("/console/invitations/join", form: ["emails": email], csrfFrom: "/console/invitations")
            }
            let kept = try await OutboxReader.joinPath(app, to: "kept@example.com")
            let revoked = try await OutboxReader.joinPath(app, to: "revoked@example.com")
            func request(_ path: String) -> Request {
                let req = Request(application: app, method: .GET, url: URI(path: path), on: app.eventLoopGroup.next())
                req.parameters.set("token", to: String(path.split(separator: "/").last!))
                return req
            }
            let join = JoinController()

            // when / then: not opened yet, so the first open must be recorded by the async path
            #expect(try join.showWithoutWaiting(request(kept)) == nil)
            let firstOpen = try await join.show(request(kept))
            #expect(try await Invitation.query(on: app.db).filter(\.$email == "kept@example.com").first()?.openedAt != nil)
            // opened and its skeleton cached: answered here on SQLite, identical to the async page
            let withoutTask = try join.showWithoutWaiting(request(kept))
            if TestDatabase.isPostgres {
                #expect(withoutTask == nil) // a network read has to wait
            } else {
                #expect(withoutTask?.body.string == firstOpen.body.string)
                #expect(withoutTask?.headers.first(name: .cacheControl) == "no-store")
            }
            // unknown, revoked: the async path's error pages
            #expect(try join.showWithoutWaiting(request("/join/not-a-token")) == nil)
            _ = try await join.show(request(revoked))
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == "revoked@example.com").first())
            invitation.status = .revoked
            try await invitation.save(on: app.db)
            #expect(try join.showWithoutWaiting(request(revoked)) == nil)
            #expect(try await join.show(request(revoked)).status == .gone)
        }
    }

    /// The same page rendered by Leaf alone: skeletons off, as with HERALD_RELOAD_VIEWS.
    private func leafPage(_ app: Application, path: String) async throws -> String {
        app.herald.pageSkeletons.enabled = false
        defer { app.herald.pageSkeletons.enabled = true }
        return try await app.testing().sendRequest(.GET, path).body.string
    }
}


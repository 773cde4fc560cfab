@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Every list pages by keyset cursor (issue 16): a walk sees each row once, in order, even when rows share their
/// sort value and others are written meanwhile; a cursor is tamper-checked; filters and exports read the same way;
/// and the page queries run on the lists' indexes.
@Suite("keyset lists")
struct KeysetListTests {
    @Test("a cursor walk sees every row once, in order, with equal timestamps and rows inserted meanwhile", arguments: ListKind.allCases)
    func walkSeesEveryRowOnce(_ list: ListKind) async throws {
        try await withHerald { app in
            // given: 40 rows sharing one timestamp (one name, for directory users)
            let lists = try await ListFixtures.make(app)
            let shared = Date().addingTimeInterval(-3_600)
            try await lists.add(list, count: 40, label: "seeded", at: shared)
            let before = try await lists.databaseOrder(list)

            // when: walking pages of 7, each page followed by new rows (newer, and ones sharing the timestamp)
            var seen: [UUID] = []
            var path: String? = list.path(lists) + "?limit=7"
            var round = 0
            while let next = path {
                let page = try await lists.apiPage(next)
                seen += page.ids
                path = page.next
                round += 1
                try #require(round < 30, "the walk does not end: a page repeats")
                try await lists.add(list, count: 1, label: "newer-\(round)", at: Date())
                try await lists.add(list, count: 1, label: "same-\(round)", at: shared)
            }

            // then: every row that existed before the walk exactly once, and everything in the database's order
            #expect(Set(seen).count == seen.count, "no row twice")
            #expect(Set(before).isSubset(of: Set(seen)), "missing: \(Set(before).subtracting(seen).count) rows")
            let after = try await lists.databaseOrder(list)
            #expect(after.filter(Set(seen).contains) == seen, "the walk follows the database's order")
        }
    }

    @Test("walking back with prev links returns the same pages in reverse; the console links Newer and Older")
    func walkBackward() async throws {
        try await withHerald { app in
            // given
            let lists = try await ListFixtures.make(app)
            try await lists.add(.invitations, count: 25, label: "back", at: Date().addingTimeInterval(-60))
            var browser = BrowserSession(app)
            try await browser.signIn(email: "admin@example.com", password: "Correct-Horse-42")
            // when
            var forward: [[UUID]] = []
            var last: String?
            var path: String? = "/api/v1/invitations?limit=10"
            while let next = path {
                let page = try await lists.apiPage(next)
                forward.append(page.ids)
                last = page.previous
                path = page.next
            }
            var backward: [[UUID]] = []
            path = last
            while let previous = path {
                let page = try await lists.apiPage(previous)
                backward.append(page.ids)
                path = page.previous
            }
            let console = try await browser.get("/console/invitations?limit=10")
            let older = try #require(Self.link("next", in: console.body.string))
            let second = try await browser.get(older)
            // then
            #expect(forward.map(\.count) == [10, 10, 5])
            #expect(Array(forward.dropLast().reversed()) == backward)
            #expect(Self.link("prev", in: console.body.string) == nil, "the first page has no Newer link")
            #expect(second.status == .ok)
            #expect(Self.link("prev", in: second.body.string) != nil && Self.link("next", in: second.body.string) != nil)
            #expect(second.body.string.contains("Newer invitations"))
        }
    }

    @Test("a tampered, foreign or malformed cursor and the retired page parameters are a 400 naming the field")
    func tamperedCursorIsRefused() async throws {
        try await withHerald { app in
            // given
            let lists = try await ListFixtures.make(app)
            try await lists.add(.invitations, count: 5, label: "t", at: Date())
            try await lists.add(.members, count: 5, label: "m", at: Date())
            let invitations = try await lists.apiPage("/api/v1/invitations?limit=2")
            let members = try await lists.apiPage("/api/v1/members?limit=2")
            let invitationsNext = try #require(invitations.next)
            let membersNext = try #require(members.next)
            let cursor = try #require(Self.cursor(in: invitationsNext))
            let memberCursor = try #require(Self.cursor(in: membersNext))
            let parts = cursor.split(separator: ".").map(String.init)
            var payload = try #require(Data(base64Encoded: Self.padded(parts[0])))
            payload[payload.count / 2] ^= 0x01
            let forgedPayload = payload.base64EncodedString().replacingOccurrences(of: "=", with: "")
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            var signature = Array(parts[1])
            signature[5] = signature[5] == "A" ? "B" : "A"
            let flippedSignature = String(signature)
            let respelled = String(parts[1].dropLast()) + (parts[1].last == "A" ? "B" : "A")
            var browser = BrowserSession(app)
            try await browser.signIn(email: "admin@example.com", password: "Correct-Horse-42")
            // when
            var statuses: [String: (HTTPStatus, String)] = [:]
            for (label, query) in [("signature", "cursor=\(parts[0]).\(flippedSignature)"), ("spelling", "cursor=\(parts[0]).\(respelled)"), ("payload", "cursor=\(forgedPayload).\(parts[1])"),
                                   ("other list", "cursor=\(memberCursor)"), ("other ordering", "q=t&cursor=\(cursor)"),
                                   ("garbage", "cursor=abc"), ("page", "page=2"), ("per_page", "per_page=5")] {
                let response = try await app.testing().sendRequest(.GET, "/api/v1/invitations?\(query)",
                                                                    headers: ["Authorization": "Bearer \(lists.token)"])
                statuses[label] = (response.status, response.body.string)
            }
            let console = try await browser.get("/console/audit?cursor=\(cursor)")
            let valid = try await lists.apiPage(invitationsNext)
            // then
            for (label, (status, body)) in statuses {
                let field = label.hasPrefix("p") && label != "payload" ? label : "cursor"
                #expect(status == .badRequest, "\(label): \(status)")
                #expect(body.contains("\(field):"), "\(label): \(body)")
                #expect(!body.contains("SQL") && !body.contains("/work/"), "\(label): \(body)")
            }
            #expect(console.status == .badRequest, "an invitations cursor on the audit log")
            #expect(valid.ids.count == 2)
        }
    }

    @Test("filters: status, kind, email prefix (in email order), dates; audit action and actor; member role; installation and outbox status")
    func filters() async throws {
        try await withHerald { app in
            // given
            let lists = try await ListFixtures.make(app)
            let day: (String) -> Date = { CalendarDay($0)!.start.addingTimeInterval(3_600) }
            try await lists.add(.invitations, count: 3, label: "zeta", at: day("2026-01-10"))
            try await lists.add(.invitations, count: 2, label: "alpha", at: day("2026-02-10"))
            try await app.db.sql.raw("UPDATE invitations SET status = 'accepted' WHERE email LIKE 'zeta-0%'").run()
            try await app.db.sql.raw("UPDATE invitations SET kind = 'install' WHERE email LIKE 'alpha-1%'").run()
            try await lists.add(.audit, count: 3, label: "audited", at: day("2026-03-01"))
            try await lists.add(.members, count: 2, label: "member", at: day("2026-03-01"))
            try await lists.add(.installations, count: 3, label: "pc", at: day("2026-03-01"))
            try await app.db.sql.raw("UPDATE installations SET status = 'blocked' WHERE computer_name = 'pc-2'").run()
            try await lists.add(.outbox, count: 2, label: "mail", at: day("2026-03-01"))
            try await app.db.sql.raw("UPDATE outbox_messages SET status = 'failed' WHERE recipients = 'mail-1@example.com'").run()
            // when
            func emails(_ query: String) async throws -> [String] {
                let response = try await app.testing().sendRequest(.GET, "/api/v1/invitations?\(query)", headers: ["Authorization": "Bearer \(lists.token)"])
                try #require(response.status == .ok, "\(query): \(response.body.string)")
                let rows = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]]
                return (rows ?? []).compactMap { $0["email"] as? String }
            }
            func count(_ path: String) async throws -> Int { try await lists.apiPage(path).ids.count }
            // then
            #expect(try await emails("status=accepted") == ["zeta-0@example.com"])
            #expect(try await emails("kind=install") == ["alpha-1@example.com"])
            #expect(try await emails("q=ZETA-") == ["zeta-0@example.com", "zeta-1@example.com", "zeta-2@example.com"], "a prefix, case-folded, by email")
            #expect(try await emails("q=eta").isEmpty, "a prefix, not a substring")
            #expect(try await emails("from=2026-02-01").sorted() == ["alpha-0@example.com", "alpha-1@example.com"])
            #expect(try await emails("to=2026-01-10").count == 3, "to includes its whole day")
            #expect(try await emails("from=2026-01-11&to=2026-02-09").isEmpty)
            #expect(try await count("/api/v1/audit-events?action=member.added&from=2026-03-01&to=2026-03-01") == 3)
            #expect(try await count("/api/v1/audit-events?actor=cli&from=2026-03-01&to=2026-03-01") == 3)
            #expect(try await count("/api/v1/audit-events?actor=nobody") == 0)
            #expect(try await count("/api/v1/members?role=member") == 2)
            #expect(try await count("/api/v1/members?role=administrator") == 1)
            #expect(try await count("/api/v1/license-keys/\(lists.keyID)/installations?status=blocked") == 1)
            #expect(try await count("/api/v1/outbox?status=failed") == 1)
            for bad in ["status=lost", "from=2026-13-01", "to=yesterday", "from=2026-02-02&to=2026-02-01", "q=%00"] {
                let response = try await app.testing().sendRequest(.GET, "/api/v1/invitations?\(bad)", headers: ["Authorization": "Bearer \(lists.token)"])
                #expect(response.status == .badRequest, "\(bad): \(response.status)")
            }
        }
    }

    @Test("a CSV export holds every row of the filtered list once, in order, spreadsheet-safe, written page by page")
    func exportStreamsAllRows() async throws {
        try await withHerald { app in
            // given: more rows than one export page, all sharing one timestamp
            let lists = try await ListFixtures.make(app)
            try await lists.add(.invitations, count: 2_345, label: "export", at: Date().addingTimeInterval(-60))
            try await lists.add(.directoryUsers, count: 1, label: "=HYPERLINK(\"http://evil\")", at: Date())
            var browser = BrowserSession(app)
            try await browser.signIn(email: "admin@example.com", password: "Correct-Horse-42")
            // when
            let api = try await app.testing().sendRequest(.GET, "/api/v1/invitations/export.csv", headers: ["Authorization": "Bearer \(lists.token)"])
            let console = try await browser.get("/console/invitations/export.csv?q=export-1")
            let users = try await browser.get("/console/directory/users/export.csv")
            var chunks = 0
            try await InvitationList.newestFirst.exportChunks(app, organizationID: lists.organizationID) { _ in chunks += 1 }
            // then
            #expect(api.status == .ok)
            #expect(api.headers.contentType?.subType == "csv")
            #expect(api.headers.first(name: .contentLength) == nil, "streamed: the length is not known in advance")
            let lines = api.body.string.split(separator: "\r\n")
            #expect(lines.first == "\u{FEFF}email,name,kind,status,language,invited_by,created,sent,expires,accepted")
            let emails = lines.dropFirst().map { String($0.split(separator: ",")[0]) }
            #expect(emails.count == 2_345 && Set(emails).count == 2_345)
            let order = try await lists.databaseOrder(.invitations)
            var byID: [UUID: String] = [:]
            for invitation in try await Invitation.query(on: app.db).all() { byID[try invitation.requireID()] = invitation.email }
            let expected: [String] = order.compactMap { byID[$0] }
            #expect(emails == expected, "the list's order")
            let consoleLines = console.body.string.split(separator: "\r\n").count
            #expect(consoleLines == 1_112, "the header, export-1, -1x, -1xx, -1xxx")
            #expect(users.body.string.contains("'=HYPERLINK"), "\(users.body.string.prefix(300))")
            #expect(chunks == 1 + 3, "the header, then one chunk per page of 1,000")
        }
    }

    @Test("the page queries read the lists' indexes: no full scan, no sort, at any depth")
    func queryPlansUseIndexes() async throws {
        try await withHerald { app in
            // given
            let lists = try await ListFixtures.make(app)
            try await lists.add(.invitations, count: 3_000, label: "plan", at: Date().addingTimeInterval(-60))
            try await lists.add(.audit, count: 1_000, label: "plan", at: Date().addingTimeInterval(-60))
            try await app.db.sql.raw("ANALYZE").run()
            let middle = try #require(try await Invitation.query(on: app.db).sort(\.$email).offset(1_500).first())
            let cursor = ListCursor(ordering: "", id: try middle.requireID(), value: .date(try #require(middle.createdAt)), direction: .forward)
            let now = Date()
            let cases: [(String, QueryBuilder<Invitation>, ListOrdering<Invitation>, String)] = [
                ("first page", Invitation.query(on: app.db).filter(\.$organization.$id == lists.organizationID), InvitationList.newestFirst, "ix_invitations_list"),
                ("status", Invitation.query(on: app.db).filter(\.$organization.$id == lists.organizationID).filter(\.$status == .pending)
                    .filter(\.$expiresAt > now), InvitationList.newestFirst, "ix_invitations_list_status"),
                ("kind", Invitation.query(on: app.db).filter(\.$organization.$id == lists.organizationID).filter(\.$kind == .join),
                 InvitationList.newestFirst, "ix_invitations_list_kind"),
                ("email prefix", try InvitationList.byEmail.prefix("plan-1", of: Invitation.query(on: app.db).filter(\.$organization.$id == lists.organizationID)),
                 InvitationList.byEmail, "ix_invitations_list_email"),
            ]
            // when
            var plans: [String: String] = [:]
            for (label, query, ordering, _) in cases {
                plans[label] = try await ListFixtures.plan(try ordering.pageQuery(query, from: nil, limit: 100))
                let deep = ListCursor(ordering: ordering.name, id: cursor.id,
                                      value: ordering.column == "email" ? .text(middle.email) : cursor.value, direction: .forward)
                plans[label + ", deep"] = try await ListFixtures.plan(try ordering.pageQuery(query, from: deep, limit: 100))
            }
            let audit = try await ListFixtures.plan(try AuditList.newestFirst.pageQuery(
                AuditEvent.query(on: app.db).filter(\.$organization.$id == lists.organizationID).filter(\.$action == .memberAdded), from: nil, limit: 50))
            // then
            for (label, _, _, index) in cases {
                for plan in [plans[label] ?? "", plans[label + ", deep"] ?? ""] {
                    // PostgreSQL may read a filter through the plain list index when the filter keeps every row.
                    #expect(plan.contains(TestDatabase.isPostgres && index != "ix_invitations_list_email" ? "ix_invitations_list" : index), "\(label): \(plan)")
                    #expect(!plan.contains("TEMP B-TREE") && !plan.contains("Sort"), "\(label): sorted outside the index: \(plan)")
                    #expect(!plan.contains("Seq Scan") && !plan.contains("SCAN invitations\n") && !plan.hasSuffix("SCAN invitations"), "\(label): \(plan)")
                }
            }
            #expect(audit.contains(TestDatabase.isPostgres ? "ix_audit_events_list" : "ix_audit_events_list_action"), "\(audit)")
        }
    }

    /// The `href` of the console's link with this `rel`, unescaped.
    static func link(_ rel: String, in html: String) -> String? {
        html.firstMatch(of: try! Regex("<a href=\"([^\"]+)\" rel=\"\(rel)\"")).map { ($0.output[1].substring.map(String.init) ?? "").replacingOccurrences(of: "&amp;", with: "&") }
    }

    static func cursor(in link: String) -> String? {
        URLComponents(string: link)?.queryItems?.first { $0.name == "cursor" }?.value
    }

    static func padded(_ base64URL: String) -> String {
        let base64 = base64URL.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4)
    }
}

extension ListOrdering where Row == Invitation {
    /// The chunks an export of the organization's invitations is written in.
    func exportChunks(_ app: Application, organizationID: UUID, _ chunk: (String) -> Void) async throws {
        let export = ListExport<Invitation>(header: ["email"], ordering: self, query: { db in
            Invitation.query(on: db).filter(\.$organization.$id == organizationID)
        }) { [$0.email] }
        try await export.write(from: app.db) { chunk($0) }
    }
}

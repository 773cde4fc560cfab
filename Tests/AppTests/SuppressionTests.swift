@testable import App
import Fluent
import Foundation
import HeraldCore
import MIME
import Testing
import Vapor
import VaporTesting

/// The suppression list (#18): every kind of invitation refuses a suppressed address and sends the rest of its batch;
/// soft bounces suppress at the organization's threshold; an administrator clears an entry; CSV round trip.
@Suite("Suppression list")
struct SuppressionTests {
    struct API {
        let app: Application
        let admin: APIAdministrator

        init(_ app: Application) async throws {
            self.app = app
            admin = try await APIAdministrator(app)
        }

        func send(_ method: HTTPMethod, _ path: String, _ body: String? = nil, type: String = "application/json") async throws -> TestingHTTPResponse {
            var headers = admin.headers
            headers.replaceOrAdd(name: .contentType, value: type)
            return try await app.testing().sendRequest(method, "/api/v1" + path, headers: headers, body: body.map { ByteBuffer(string: $0) })
        }

        func suppress(_ address: String) async throws {
            let response = try await send(.POST, "/suppressions", #"{"address":"\#(address)","note":"test"}"#)
            #expect(response.status == .created, "\(response.body.string)")
        }
    }

    @Test("join, install and client invitations refuse a suppressed address by name and send the rest of the batch; resend is refused")
    func refusesEveryKind() async throws {
        try await withHerald { app in
            // given: one suppressed address (typed in another case), a directory group holding it and a free address
            let api = try await API(app)
            try await api.suppress("Gone@Example.com")
            _ = try await api.send(.POST, "/directory/users/import", "Gone,gone@example.com,Staff\nKeep,keep@example.com,Staff\n", type: "text/csv")
            try await app.herald.directoryImports.allFinished()
            try await DirectoryFixtures.mailReady(app, organizationID: api.admin.organizationID)
            guard let organization = try await Organization.find(api.admin.organizationID, on: app.db) else { throw TestSetupError("no organization") }
            let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: 10)

            // when
            let join = try await api.send(.POST, "/invitations/join", #"{"emails":["keep@example.com","gone@example.com"]}"#)
            let install = try await InstallInvitationBatch.send(.init(
                keyID: try key.requireID(), recipients: [try EmailAddress("install@example.com"), try EmailAddress("GONE@example.com")],
                language: .en, expiresAt: Date().addingTimeInterval(7 * 86_400), inviterID: nil, actor: .commandLine
            ), mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets, turns: app.herald.installInvitationTurns, on: app.db)
            let client = try await api.send(.POST, "/client-invitations", #"{"device_types":["windows"],"server":"gw.example.com","groups":["Staff"]}"#)
            let onlySuppressed = try await api.send(.POST, "/invitations/join", #"{"emails":["gone@example.com"]}"#)

            // then: join names the address and invites the other
            #expect(join.status == .created, "\(join.body.string)")
            let results = try join.content.get([JoinInvitations.RowResult].self, at: "results")
            #expect(results.first { $0.email == "gone@example.com" }?.outcome == .suppressed)
            #expect(results.first { $0.email == "gone@example.com" }?.detail?.contains("gone@example.com is on the suppression list") == true)
            #expect(results.first { $0.email == "keep@example.com" }?.outcome == .invited)
            #expect(try onlySuppressed.content.get([JoinInvitations.RowResult].self, at: "results").map(\.outcome) == [.suppressed])
            // install: skipped with the reason, the other invited
            #expect(install.count == 1)
            #expect(install.skipped.map(\.email) == ["GONE@example.com"])
            #expect(install.skipped.first?.reason.contains("gone@example.com is on the suppression list") == true)
            // client: the rest of the group sent, the suppressed address named
            #expect(client.status == .accepted, "\(client.body.string)")
            #expect(try client.content.get(Int.self, at: "recipients") == 1)
            #expect(try client.content.get([String].self, at: "refused").first?.contains("gone@example.com is on the suppression list") == true)
            // nothing was queued to the suppressed address, each other address got its email
            #expect(try await OutboxReader.messages(app, to: "gone@example.com").isEmpty)
            #expect(try await Invitation.query(on: app.db).filter(\.$email == "gone@example.com").count() == 0)
            #expect(try await OutboxReader.messages(app, to: "keep@example.com").count == 2)
            #expect(try await OutboxReader.messages(app, to: "install@example.com").count == 1)

            // when: an invited address is suppressed afterwards, a resend is refused and says why
            try await api.suppress("keep@example.com")
            let pending = try #require(try await Invitation.query(on: app.db).filter(\.$email == "keep@example.com").filter(\.$kind == .join).first())
            let resend = try await api.send(.POST, "/invitations/\(try pending.requireID())/resend")
            #expect(resend.status == .conflict)
            #expect(resend.body.string.contains("keep@example.com is on the suppression list"))
        }
    }

    @Test("a hard bounce suppresses at once; soft bounces only at the organization's count within its window")
    func softBounceThreshold() async throws {
        try await withHerald { app in
            // given: the default policy (3 in 7 days), then 2 in 1 day for the organization
            let api = try await API(app)
            let org = api.admin.organizationID
            let start = Date()
            // when: three soft bounces, the first outside a 7-day window
            let first = try await Suppressions.recordBounce(organizationID: org, address: "Soft@Example.com", isHard: false, reason: "452 4.2.2 mailbox full", on: app.db, now: start)
            let second = try await Suppressions.recordBounce(organizationID: org, address: "soft@example.com", isHard: false, reason: "452 4.2.2 mailbox full", on: app.db, now: start.addingTimeInterval(8 * 86_400))
            let third = try await Suppressions.recordBounce(organizationID: org, address: "soft@example.com", isHard: false, reason: "452 4.2.2 mailbox full", on: app.db, now: start.addingTimeInterval(9 * 86_400))
            let fourth = try await Suppressions.recordBounce(organizationID: org, address: "soft@example.com", isHard: false, reason: "452 4.2.2 mailbox full", on: app.db, now: start.addingTimeInterval(10 * 86_400))
            let hard = try await Suppressions.recordBounce(organizationID: org, address: "hard@example.com", isHard: true, reason: "550 5.1.1 user unknown", on: app.db, now: start)
            // then
            #expect(first == nil && second == nil && third == nil)
            #expect(fourth?.reason == .softBounces)
            #expect(fourth?.remoteReason?.contains("3 soft bounces in 7 days; last: 452 4.2.2 mailbox full") == true)
            #expect(hard?.reason == .hardBounce)
            #expect(hard?.remoteReason == "550 5.1.1 user unknown")

            // when: the organization asks for 2 in 1 day
            let saved = try await api.send(.PUT, "/deliverability", #"{"softBounceLimit":2,"softBounceWindowDays":1}"#)
            let refused = try await api.send(.PUT, "/deliverability", #"{"softBounceLimit":0,"softBounceWindowDays":400,"joinReminderDays":[0]}"#)
            let spaced = try await Suppressions.recordBounce(organizationID: org, address: "other@example.com", isHard: false, reason: nil, on: app.db, now: start)
            let later = try await Suppressions.recordBounce(organizationID: org, address: "other@example.com", isHard: false, reason: nil, on: app.db, now: start.addingTimeInterval(2 * 86_400))
            let close = try await Suppressions.recordBounce(organizationID: org, address: "other@example.com", isHard: false, reason: nil, on: app.db, now: start.addingTimeInterval(2.5 * 86_400))
            // then
            #expect(saved.status == .ok, "\(saved.body.string)")
            #expect(refused.status == .badRequest)
            for field in ["softBounceLimit:", "softBounceWindowDays:", "joinReminderDays:"] { #expect(refused.body.string.contains(field)) }
            #expect(spaced == nil && later == nil)
            #expect(close?.reason == .softBounces)
        }
    }

    @Test("an administrator clears an entry (audited), the address can be invited again; clearing twice is 404")
    func clear() async throws {
        try await withHerald { app in
            // given
            let api = try await API(app)
            _ = try await Suppressions.recordBounce(organizationID: api.admin.organizationID, address: "back@example.com", isHard: true, reason: "550 no such user", on: app.db)
            let refused = try await api.send(.POST, "/invitations/join", #"{"emails":["back@example.com"]}"#)
            // when
            let cleared = try await api.send(.DELETE, "/suppressions/back@example.com")
            let again = try await api.send(.DELETE, "/suppressions/back@example.com")
            let invited = try await api.send(.POST, "/invitations/join", #"{"emails":["back@example.com"]}"#)
            // then
            #expect(try refused.content.get([JoinInvitations.RowResult].self, at: "results").map(\.outcome) == [.suppressed])
            #expect(cleared.status == .noContent)
            #expect(again.status == .notFound)
            #expect(again.body.string.contains("back@example.com is not on the suppression list"))
            #expect(try invited.content.get([JoinInvitations.RowResult].self, at: "results").map(\.outcome) == [.invited])
            let audit = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == .suppressionCleared).first())
            #expect(audit.targetLabel == "back@example.com")
            #expect(audit.details?.contains("hard_bounce: 550 no such user") == true)
        }
    }

    @Test("the console lists, searches, adds and clears behind the confirmation step")
    func console() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            // when
            let added = try await admin.post("/console/suppressions", form: ["address": "Nobody@Example.com", "note": "left the company"], csrfFrom: "/console/suppressions")
            let bad = try await admin.post("/console/suppressions", form: ["address": "not-an-address"], csrfFrom: "/console/suppressions")
            let found = try await admin.get("/console/suppressions?q=nob")
            let missed = try await admin.get("/console/suppressions?q=zzz")
            let entry = try #require(try await SuppressedAddress.query(on: app.db).first())
            let step = try await admin.get("/console/suppressions/\(try entry.requireID())/clear")
            let cleared = try await admin.post("/console/suppressions/\(try entry.requireID())/clear", form: ["confirm": "yes"],
                                               csrfFrom: "/console/suppressions/\(try entry.requireID())/clear")
            // then
            #expect(added.status == .seeOther)
            #expect(bad.status == .badRequest)
            #expect(bad.body.string.contains("is not a valid email address"))
            #expect(found.body.string.contains("<td>nobody@example.com</td><td>manual</td><td>left the company</td>"))
            #expect(!missed.body.string.contains("nobody@example.com</td>"))
            #expect(step.body.string.contains("Clear nobody@example.com from the suppression list?"))
            #expect(cleared.status == .seeOther)
            #expect(try await SuppressedAddress.query(on: app.db).count() == 0)
        }
    }

    @Test("the console edits the soft-bounce threshold and the reminder steps, naming each bad field; the change is audited")
    func consoleSettings() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let organizationID = try #require(try await Organization.query(on: app.db).first()?.id)
            // when
            let bad = try await admin.post("/console/suppressions/settings", form: [
                "soft_bounce_limit": "0", "soft_bounce_window_days": "7", "join_reminder_days": "3, 99", "install_reminder_days": "1",
            ], csrfFrom: "/console/suppressions")
            let saved = try await admin.post("/console/suppressions/settings", form: [
                "soft_bounce_limit": "5", "soft_bounce_window_days": "14", "join_reminder_days": "1, 5", "install_reminder_days": "",
            ], csrfFrom: "/console/suppressions")
            let page = try await admin.get("/console/suppressions")
            // then
            #expect(bad.status == .badRequest)
            #expect(bad.body.string.contains("softBounceLimit: must be a whole number from 1 to 100"))
            #expect(bad.body.string.contains("joinReminderDays: at most 5 whole numbers of days from 1 to 30"))
            #expect(saved.status == .seeOther)
            let policy = try await SuppressionPolicy.load(organizationID: organizationID, on: app.db)
            #expect(policy == SuppressionPolicy(softBounceLimit: 5, softBounceWindowDays: 14, reminderDays: [.join: [5, 1], .install: []]))
            #expect(page.body.string.contains(#"name="join_reminder_days" value="5,1""#))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .deliverabilitySettingsChanged).count() == 1)
        }
    }

    @Test("CSV export protects formula cells and imports back as it was; a file with a hostile cell imports nothing and names the line")
    func csvRoundTrip() async throws {
        try await withHerald { app in
            // given: entries whose texts a spreadsheet would run
            let api = try await API(app)
            let org = api.admin.organizationID
            let hostile = [
                "a@example.com": #"=HYPERLINK("http://evil.example","click")"#,
                "b@example.com": "+SUM(1,2)",
                "c@example.com": "@cmd, \"quoted\"",
                "-d@example.com": "－full-width minus",
            ]
            for (address, reason) in hostile {
                _ = try await Suppressions.recordBounce(organizationID: org, address: address, isHard: true, reason: reason, on: app.db)
            }
            // when: exported, everything cleared, the export imported
            let export = try await api.send(.GET, "/suppressions/export.csv")
            let csv = export.body.string
            for address in hostile.keys { _ = try await api.send(.DELETE, "/suppressions/\(address)") }
            let imported = try await api.send(.POST, "/suppressions/import", csv, type: "text/csv")
            let again = try await api.send(.POST, "/suppressions/import", csv, type: "text/csv")
            let evil = try await api.send(.POST, "/suppressions/import", "ok@example.com\nx@example.com,manual,\u{202E}gpj.exe\ny@example.com,manual,bell\u{07}\n", type: "text/csv")
            // then: the export kept every formula as text
            #expect(export.status == .ok)
            #expect(csv.contains(#"'=HYPERLINK(""http://evil.example"",""click"")"#))
            #expect(csv.contains("'+SUM(1,2)"))
            #expect(csv.contains(#""'@cmd, ""quoted""""#))
            #expect(csv.contains("'-d@example.com"))
            #expect(csv.contains("'－full-width minus"))
            // the import brought every entry back with its text, once
            #expect(try imported.content.get(Int.self, at: "added") == 4, "\(imported.body.string)")
            #expect(try again.content.get(Int.self, at: "alreadyListed") == 4)
            let entries = try await SuppressedAddress.query(on: app.db).all()
            #expect(Dictionary(uniqueKeysWithValues: entries.map { ($0.address, $0.remoteReason ?? "") }) == hostile)
            #expect(entries.allSatisfy { $0.reason == .imported })
            // the hostile file: each bad line named, nothing added
            #expect(evil.status == .badRequest)
            #expect(evil.body.string.contains("line 2: remote_reason contains a text direction override"), "\(evil.body.string)")
            #expect(evil.body.string.contains("line 3: remote_reason contains a control character"))
            #expect(try await Suppressions.entry(organizationID: org, address: "ok@example.com", on: app.db) == nil)
        }
    }
}

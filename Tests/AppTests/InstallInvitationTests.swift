@testable import App
import Fluent
import Foundation
import MIME
import Testing
import Vapor
import VaporTesting

@Suite("License keys and install invitations in the console")
struct InstallInvitationTests {
    @Test("an administrator adds a key, invites three people to two seats with a warning, and downloads codes")
    func inviteReviewSendAndExport() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let created = try await browser.post("/console/licenses", form: [
                "name": "Design", "product": "Herald Pro", "seats": "2", "key": "REAL-SECRET-KEY-XYZ",
                "download_macos": "https://downloads.example.com/pro.dmg",
            ], csrfFrom: "/console/licenses")
            #expect(created.status == .seeOther)
            let key = try #require(try await LicenseKey.query(on: app.db).first())
            let base = "/console/licenses/\(try key.requireID().uuidString)"
            let recipients = "ada@example.com\nbob@example.com; =cmd@example.com"
            // when
            let review = try await browser.post(base + "/invite/review", form: ["recipients": recipients, "language": "de", "expires_in": "7"], csrfFrom: base + "/invite")
            let sent = try await browser.post(base + "/invite", form: ["recipients": recipients, "language": "de", "expires_in": "7"], csrfFrom: base + "/invite")
            let batch = try #require(try await Invitation.query(on: app.db).first()?.batchID)
            let csv = try await browser.get(base + "/batches/\(batch.uuidString)/invitations.csv")
            // then
            #expect(review.status == .ok)
            #expect(review.body.string.contains("seat-warning"))
            #expect(sent.status == .ok)
            #expect(csv.status == .ok)
            let lines = csv.body.string.split(separator: "\r\n")
            #expect(lines.count == 4)
            #expect(lines.contains { $0.hasPrefix("'=cmd@example.com,") })
            #expect(!csv.body.string.contains("REAL-SECRET-KEY-XYZ"))
            let messages = try await OutboxMessage.query(on: app.db).filter(\.$invitation.$id != nil).all()
            #expect(messages.count == 3)
            // Three invited to two seats: the administrator is told once that the invitations outnumber the free seats.
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$invitation.$id == nil).count() == 1)
            let raw = messages.map { String(decoding: OutboxReader.raw($0), as: UTF8.self) }.joined()
            #expect(!raw.contains("REAL-SECRET-KEY-XYZ"))
            #expect(try await ActivationCodeRecord.query(on: app.db).count() == 3)
            // The code in the CSV activates, and the download page shows it in the invitation's language.
            let row = lines[1].split(separator: ",").map(String.init)
            let page = try await app.testing().sendRequest(.GET, try #require(URL(string: row[2])).path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains(row[1]))
            #expect(page.body.string.contains("Aktivierungscode"))
            #expect(page.body.string.contains("https://downloads.example.com/pro.dmg"))
            let opened = try await Invitation.query(on: app.db).filter(\.$kind == .install).filter(\.$openedAt != nil).all()
            #expect(opened.count == 1, "opening the download page counts as opening the invitation, once")
            #expect(try await LicenseFixtures.activate(app, code: row[1], fingerprint: "fp-console-1").status == .created)
            let detail = try await browser.get(base)
            #expect(detail.body.string.contains("Ada&#39;s MacBook") || detail.body.string.contains("Ada's MacBook"))
            #expect(!detail.body.string.contains("REAL-SECRET-KEY-XYZ"))
            let revealed = try await browser.post(base + "/reveal", form: [:], csrfFrom: base)
            #expect(revealed.body.string.contains("REAL-SECRET-KEY-XYZ"))
        }
    }

    @Test("a bad CSV is refused with line numbers and nothing is stored")
    func badCSVIsRefused() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            _ = try await browser.post("/console/licenses", form: ["name": "K", "product": "P", "seats": "5"], csrfFrom: "/console/licenses")
            let key = try #require(try await LicenseKey.query(on: app.db).first())
            let base = "/console/licenses/\(try key.requireID().uuidString)"
            // when
            let response = try await browser.post(base + "/invite", form: [
                "recipients": "ok@example.com\nbob@\nok@example.com", "language": "fr", "expires_in": "5",
            ], csrfFrom: base + "/invite")
            // then
            #expect(response.status == .badRequest)
            let body = response.body.string
            #expect(body.contains("recipients: line 2"))
            #expect(body.contains("duplicate of line 1"))
            #expect(body.contains("expires: &#39;5&#39; must be 1, 3, 7, 14 or 30 days") || body.contains("expires: '5' must be"))
            #expect(try await Invitation.query(on: app.db).count() == 0)
            #expect(try await OutboxMessage.query(on: app.db).count() == 0)
        }
    }

    @Test("a bad license key form names each field and creates nothing")
    func badKeyForm() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let response = try await browser.post("/console/licenses", form: [
                "name": "", "product": "P", "seats": "zero", "expires": "2020-13-01", "download_linux": "ftp://x",
            ], csrfFrom: "/console/licenses")
            #expect(response.status == .badRequest)
            let body = response.body.string
            for field in ["name: is required", "seats: must be between", "expires:", "download_linux:"] {
                #expect(body.contains(field), "\(field)")
            }
            #expect(try await LicenseKey.query(on: app.db).count() == 0)
        }
    }
}

@Suite("Install invitations from an uploaded CSV file")
struct InstallInvitationUploadTests {
    /// Posts the invite form as a browser does with a file chosen: multipart/form-data.
    static func upload(_ browser: inout BrowserSession, path: String, csrfFrom: String, csv: String, fields: [String: String]) async throws -> TestingHTTPResponse {
        var all = fields
        all["_csrf"] = try await browser.csrfToken(from: csrfFrom)
        let boundary = "herald-test-boundary"
        var body = ""
        for (name, value) in all {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"csv\"; filename=\"people.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        if let cookie = browser.cookie { headers.add(name: .cookie, value: cookie) }
        return try await browser.app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("the review counts new invitations, addresses skipped, earlier pending ones and free seats apart, with plurals")
    func reviewCountsEarlierPendingInvitations() async throws {
        try await withHerald { app in
            // given: 4 seats; ann, ben, cy and fay invited earlier; ann activated, fay's invitation revoked
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let organization = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
            let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: 4)
            let earlier = try ["ann@example.com", "ben@example.com", "cy@example.com", "fay@example.com"].map { try EmailAddress($0) }
            let batch = try await InstallInvitationBatch.send(.init(keyID: try key.requireID(), recipients: earlier, language: .en,
                                                                    expiresAt: Date().addingTimeInterval(7 * 86_400), inviterID: nil, actor: .commandLine),
                                                              mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets,
                                                              turns: app.herald.installInvitationTurns, on: app.db)
            let rows = try await InstallInvitationExport.rows(batchID: batch.batchID, organizationID: try organization.requireID(), limit: 10,
                                                              secrets: app.herald.installInvitationSecrets, on: app.db)
            let annCode = try #require(rows.first { $0.email == "ann@example.com" }?.activationCode)
            #expect(try await LicenseFixtures.activate(app, code: annCode, fingerprint: "fp-ann-laptop").status == .created)
            let fay = try #require(try await Invitation.query(on: app.db).filter(\.$email == "fay@example.com").first())
            try await fay.withdraw(at: Date(), organizationID: try organization.requireID(), actor: .commandLine,
                                   action: .installInvitationRevoked, on: app.db)
            let base = "/console/licenses/\(try key.requireID().uuidString)"
            // when: cy again, with dan and eve
            let review = try await browser.post(base + "/invite/review", form: ["recipients": "cy@example.com\ndan@example.com\neve@example.com",
                                                                                "language": "de", "expires_in": "7"], csrfFrom: base + "/invite")
            let one = try await browser.post(base + "/invite/review", form: ["recipients": "gus@example.com", "language": "en", "expires_in": "7"],
                                             csrfFrom: base + "/invite")
            // then
            let page = review.body.string
            #expect(review.status == .ok)
            #expect(page.contains("2 new invitations in Deutsch"))
            #expect(page.contains("1 address already has a pending invitation for this key and is skipped."))
            #expect(page.contains("2 earlier invitations for this key are still pending (not activated yet)."))
            #expect(page.contains("3 of 4 seats are free."))
            #expect(page.contains("Seats go first come, first served: 1 person will not be able to activate until a seat is freed."))
            #expect(!page.contains("(s)"))
            #expect(one.body.string.contains("1 new invitation in English"))
            #expect(!one.body.string.contains("seat-warning"), "gus and the two pending fit the three free seats")
        }
    }

    @Test("a CSV file with BOM, header and CRLF is reviewed; a file with two columns is refused by line")
    func uploadedCSV() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            _ = try await browser.post("/console/licenses", form: ["name": "K", "product": "P", "seats": "1"], csrfFrom: "/console/licenses")
            let key = try #require(try await LicenseKey.query(on: app.db).first())
            let base = "/console/licenses/\(try key.requireID().uuidString)"
            // when
            let good = try await Self.upload(&browser, path: base + "/invite/review", csrfFrom: base + "/invite",
                                             csv: "\u{FEFF}email\r\nann@example.com\r\nben@example.com\r\n", fields: ["language": "it", "expires_in": "30"])
            let bad = try await Self.upload(&browser, path: base + "/invite/review", csrfFrom: base + "/invite",
                                            csv: "email\nann@example.com,Ann\n", fields: ["language": "it", "expires_in": "30"])
            // then
            #expect(good.status == .ok, "\(good.body.string.prefix(300))")
            #expect(good.body.string.contains("2 new invitations in Italiano"))
            #expect(good.body.string.contains("seat-warning"))
            #expect(bad.status == .badRequest)
            #expect(bad.body.string.contains("csv: line 2: has 2 columns"))
            #expect(try await Invitation.query(on: app.db).count() == 0)
        }
    }
}

@testable import App
import Fluent
import Foundation
import LiveServerSupport
import HeraldCore
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Mail settings must not turn Herald into a probe of its own network: the operator limits the servers, a peer
/// that is not an SMTP server has its banner withheld, and the private CA is a certificate, not a server path.
@Suite("Mail settings: what an administrator can make the server do")
struct MailServerLimitsTests {
    static func put(_ app: Application, _ headers: HTTPHeaders, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.PUT, "/api/v1/mail-settings", headers: headers,
                                            body: try HeaderBoundTextTests.json(body))
    }

    static var smtp: [String: Any] { ["transport": "smtp", "sender_address": "it@acme.example", "tls_mode": "none"] }

    @Test("a server outside HERALD_SMTP_ALLOWED_HOSTS is refused by the API, the console and the test email")
    func serverOutsideTheOperatorsListIsRefused() async throws {
        try await withHerald({ $0.smtpServers = try! ServerPolicy.parse("smtp.example.com:587, *:25", variable: "HERALD_SMTP_ALLOWED_HOSTS").get() }) { app in
            // given
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator(email: "second@example.com", organization: "Beta")
            // when
            let ssh = try await Self.put(app, headers, Self.smtp.merging(["server": "127.0.0.1:22"]) { $1 })
            let form = try await admin.post("/console/mail", form: ["transport": "smtp", "server": "10.0.0.5:6379",
                                                                   "sender_address": "it@beta.example", "tls_mode": "none"], csrfFrom: "/console/mail")
            let allowed = try await Self.put(app, headers, Self.smtp.merging(["server": "smtp.example.com:587"]) { $1 })
            // then
            #expect(ssh.status == .unprocessableEntity)
            #expect(try ssh.content.get(String.self, at: "reason").contains("server: 127.0.0.1:22 is not allowed on this Herald"))
            #expect(form.status == .unprocessableEntity)
            #expect(form.body.string.contains("10.0.0.5:6379 is not allowed on this Herald"))
            #expect(allowed.status == .ok)
        }
    }

    @Test("settings saved before the operator narrowed the list are refused when used, not connected to")
    func storedServerOutsideTheListIsNotUsed() async throws {
        try await withHerald({ $0.smtpServers = .smtpStandard }) { app in
            // given: a row as an older Herald would have stored it
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            _ = try await Self.put(app, headers, Self.smtp.merging(["server": "127.0.0.1:25"]) { $1 })
            let settings = try #require(try await MailSettings.query(on: app.db).first())
            settings.port = 6379
            try await settings.save(on: app.db)
            // when
            let test = try await app.testing().sendRequest(.POST, "/api/v1/mail-settings/test", headers: headers,
                                                           body: try HeaderBoundTextTests.json(["to": "a@example.com"]))
            // then
            #expect(test.status == .unprocessableEntity)
            #expect(try test.content.get(String.self, at: "reason").contains("127.0.0.1:6379 is not allowed"))
        }
    }

    static func testEmail(_ app: Application, _ headers: HTTPHeaders, server: String) async throws -> TestEmail.Result {
        _ = try await Self.put(app, headers, Self.smtp.merging(["server": server]) { $1 })
        let test = try await app.testing().sendRequest(.POST, "/api/v1/mail-settings/test", headers: headers,
                                                       body: try HeaderBoundTextTests.json(["to": "a@example.com"]))
        try #require(test.status == .ok, "\(test.status) \(test.body.string)")
        return try #require(try test.content.decode([TestEmail.Result].self).first)
    }

    @Test("the test email to a service that is not SMTP reports the class of failure, never its banner")
    func nonSMTPBannerIsNotEchoed() async throws {
        try await withHerald { app in
            // given: a listener that answers like an SSH server
            let port = try FaultSMTPServer.fromEnvironment().port("greeting-ssh")
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            // when
            let result = try await Self.testEmail(app, headers, server: "127.0.0.1:\(port)")
            // then
            #expect(!result.accepted)
            #expect(result.detail == "not an SMTP server: it did not answer with an SMTP greeting")
            #expect(!result.detail.contains("SSH-2.0"))
        }
    }

    @Test("a peer that never says anything: the test email times out with a classified answer instead of hanging")
    func silentPeerTimesOut() async throws {
        try await withHerald({ $0.delivery.smtpReplyTimeout = 2 }) { app in
            let port = try FaultSMTPServer.fromEnvironment().port("greeting-stall")
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            let started = Date()
            let result = try await Self.testEmail(app, headers, server: "127.0.0.1:\(port)")
            #expect(result.detail == "SMTP timeout: no SMTP greeting in time (not an SMTP server, or one too slow to answer)")
            // Generous: only the configured 2 s being ignored (RFC 5321's 5-minute greeting wait instead) may fail this,
            // not a loaded machine (60 s was once exceeded with hundreds of tests running beside it).
            #expect(Date().timeIntervalSince(started) < 150)
        }
    }

    @Test("a closed port is reported as refused, without the system's error text")
    func refusedPortIsClassified() async throws {
        try await withHerald { app in
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            let result = try await Self.testEmail(app, headers, server: "127.0.0.1:\(try ClosedPort.find())")
            #expect(result.detail == "cannot connect: connection refused")
        }
    }

    @Test("ca_file, a path on the server, is refused; the CA is PEM stored with the settings and kept when absent")
    func caCertificateIsContentNotAPath() async throws {
        try await withHerald { app in
            // given
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            let pem = try String(contentsOfFile: try LiveServers.fromEnvironment().caFile, encoding: .utf8)
            // when
            let path = try await Self.put(app, headers, Self.smtp.merging(["server": "127.0.0.1:25", "ca_file": "/etc/shadow"]) { $1 })
            let garbage = try await Self.put(app, headers, Self.smtp.merging(["server": "127.0.0.1:25", "ca_certificate": "/etc/shadow"]) { $1 })
            let saved = try await Self.put(app, headers, Self.smtp.merging(["server": "127.0.0.1:25", "ca_certificate": pem]) { $1 })
            let kept = try await Self.put(app, headers, Self.smtp.merging(["server": "127.0.0.1:587"]) { $1 })
            // then
            #expect(path.status == .unprocessableEntity)
            #expect(try path.content.get(String.self, at: "reason").contains("ca_file: is no longer accepted"))
            #expect(garbage.status == .unprocessableEntity)
            #expect(try garbage.content.get(String.self, at: "reason").contains("ca_certificate: is not a PEM certificate"))
            #expect(saved.status == .ok)
            #expect(try kept.content.get(String.self, at: "caCertificate") == pem.trimmingWhitespace())
        }
    }

    @Test("the migration turns a readable ca_file into the stored certificate and drops any path")
    func migrationCopiesTheCAFile() async throws {
        try await withHerald { app in
            // given: the column as it was before, with one readable and one unreadable path
            let caFile = try LiveServers.fromEnvironment().caFile
            let first = try await TestData.administrator(app, email: "a@example.com", password: "Correct-Horse-42", organization: "Acme")
            let second = try await TestData.administrator(app, email: "b@example.com", password: "Correct-Horse-42", organization: "Beta")
            for organization in [first.organization, second.organization] { try await DirectoryFixtures.mailReady(app, organizationID: try organization.requireID()) }
            // On one connection: SQLite's other pooled connection may still read the schema from before the revert.
            let (firstID, secondID) = (try first.organization.requireID(), try second.organization.requireID())
            try await app.db.withConnection { db in
                try await UpdateMailSettingsAddCACertificate().revert(on: db)
                try await db.sql.update(MailSettings.schema).set("ca_file", to: caFile).where("organization_id", .equal, firstID).run()
                try await db.sql.update(MailSettings.schema).set("ca_file", to: "/etc/shadow").where("organization_id", .equal, secondID).run()
                // when
                try await UpdateMailSettingsAddCACertificate().prepare(on: db)
            }
            let sql = try app.db.sql
            // then
            let copied = try await MailSettingsStore.settings(for: try first.organization.requireID(), on: app.db)
            let dropped = try await MailSettingsStore.settings(for: try second.organization.requireID(), on: app.db)
            #expect(copied.caCertificate == (try String(contentsOfFile: caFile, encoding: .utf8)))
            #expect(dropped.caCertificate == nil)
            let paths = try await sql.select().column("ca_file").from(MailSettings.schema).all().map { try $0.decodeNil(column: "ca_file") }
            #expect(paths == [true, true])
        }
    }
}

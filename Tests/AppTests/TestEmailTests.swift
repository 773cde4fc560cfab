@testable import App
import Fluent
import Foundation
import LiveServerSupport
import SMTP
import Testing
import Vapor
import VaporTesting

/// The test email against the real SMTP test servers: each address of a ;-separated list gets its own result in the
/// console, the API and the CLI, and a TLS failure is a sentence that says what to do, never the TLS library's text.
@Suite("Test email: a result per address, TLS failures explained")
struct TestEmailTests {
    /// Acme's administrator signed in, Acme sending through the given port (STARTTLS with the test CA unless `tls` says).
    static func acme(_ app: Application, port: Int, tls: String = "starttls", host: String = "localhost", trusted: Bool = true) async throws -> BrowserSession {
        let servers = try LiveServers.fromEnvironment()
        var admin = BrowserSession(app)
        try await admin.signInAsNewAdministrator()
        let acme = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
        try await MailFixtures.useSMTP(app, organizationID: try acme.requireID(), port: port, tls: tls, host: host,
                                       caFile: trusted ? servers.caFile : nil, username: tls == "none" ? nil : servers.username,
                                       password: tls == "none" ? nil : servers.password)
        return admin
    }

    @Test("the console's test email to 'a@example.test; not-an-address' sends to the first and reports the second as invalid")
    func consoleReportsEachAddress() async throws {
        let servers = try LiveServers.fromEnvironment()
        try await withHerald { app in
            // given
            var admin = try await Self.acme(app, port: servers.startTLSPort)
            let to = "a-\(UUID().uuidString.prefix(8))@example.test"
            // when
            let page = try await admin.post("/console/mail/test", form: ["to": "\(to); not-an-address"], csrfFrom: "/console/mail")
            // then
            let html = page.body.string
            #expect(page.status == .ok)
            let rows = html.matches(of: /<tr data-outcome="(\w+)"><td>([^<]*)<\/td><td[^>]*>[^<]*<\/td><td>([^<]*)<\/td>/).map { ($0.1, $0.2, $0.3) }
            #expect(rows.map { String($0.0) } == ["sent", "invalid"], "\(html)")
            #expect(rows.map { String($0.1) } == [to, "not-an-address"])
            #expect(rows.first?.2.hasPrefix("250") == true)
            #expect(rows.last?.2.contains("has no &#39;@&#39;") == true || rows.last?.2.contains("has no '@'") == true, "\(rows)")
            #expect(try servers.received(by: to).count == 1)
            #expect(html.contains(#"value="\#(to); not-an-address""#), "what was typed is kept")
        }
    }

    @Test("the API answers one result per address, a refusal with the server's reply")
    func apiReportsEachAddress() async throws {
        let servers = try LiveServers.fromEnvironment()
        try await withHerald { app in
            // given: smtp-sink that refuses every recipient with 5xx
            _ = try await Self.acme(app, port: servers.hardRejectPort, tls: "none", host: "127.0.0.1")
            let headers = try await Self.apiHeaders(app)
            // when
            let response = try await app.testing().sendRequest(.POST, "/api/v1/mail-settings/test", headers: headers,
                                                               body: ByteBuffer(string: #"{"to": "b@example.test; x@@y"}"#))
            // then
            #expect(response.status == .ok, "\(response.body.string)")
            let results = try response.content.decode([TestEmail.Result].self)
            #expect(results.map(\.outcome) == [.refused, .invalid])
            #expect(results.first?.detail.contains("5") == true && results.first?.accepted == false, "\(results)")
        }
    }

    static func apiHeaders(_ app: Application) async throws -> HTTPHeaders {
        let acme = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
        let ada = try #require(try await Account.find(email: "admin@example.com", on: app.db))
        let token = try await APITokenService.create(name: "t", scope: .administration, organizationID: try acme.requireID(), accountID: try ada.requireID(), actor: .system, on: app.db).token
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.contentType = .json
        return headers
    }

    @Test("an untrusted certificate is a sentence that says what to do, with no path or library text")
    func untrustedCertificateIsExplained() async throws {
        let servers = try LiveServers.fromEnvironment()
        try await withHerald { app in
            // given: the test CA not configured
            var admin = try await Self.acme(app, port: servers.startTLSPort, trusted: false)
            // when
            let page = try await admin.post("/console/mail/test", form: ["to": "c@example.test"], csrfFrom: "/console/mail").body.string
            // then
            #expect(page.contains("the server&#39;s certificate is not trusted") || page.contains("the server's certificate is not trusted"), "\(page)")
            #expect(page.contains("CA certificate"))
            #expect(!page.contains("BoringSSL") && !page.contains("NIOSSL") && !page.contains(".cc") && !page.contains("(temporary)"))
            #expect(!page.contains(".build/"))
        }
    }

    @Test("each TLS failure reads as what is wrong and what to do", arguments: [
        (TLSFailure.hostnameMismatch("mail.example.com"), "not issued for mail.example.com"), (.expiredCertificate, "has expired"),
        (.certificateNotYetValid, "not valid yet"), (.untrustedCertificate, "not trusted"), (.handshakeFailed, "Check the port and TLS mode"),
    ])
    func tlsFailureSentences(failure: TLSFailure, says: String) {
        // given: a failure after STARTTLS (where the library's text used to be shown, labelled "(temporary)")
        var error = SMTPError(.tlsFailed, command: "STARTTLS", message: "TLS failed")
        error.tlsFailure = failure
        // then
        #expect(error.reportForAdministrators.contains(says))
        #expect(!error.reportForAdministrators.contains("(temporary)"))
    }
}

@testable import App
import Fluent
import Foundation
import HeraldCore
import LiveServerSupport
import Testing
import Vapor
import VaporTesting

/// `GET/PUT /api/v1/bounce-settings` (#18), and the operator's limit on the bounce mailboxes Herald connects to
/// (`HERALD_POP3_ALLOWED_HOSTS`), against the test Dovecot. SQLite and PostgreSQL.
@Suite("Bounce settings: the API and the operator's POP3 limit")
struct BounceSettingsAPITests {
    static func put(_ app: Application, _ headers: HTTPHeaders, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.PUT, "/api/v1/bounce-settings", headers: headers, body: try HeaderBoundTextTests.json(body))
    }

    static func mailbox(_ pop3: POP3LiveServer, user: String) -> [String: Any] {
        ["bounce_domain": "bounces.example.com", "server": "127.0.0.1:\(pop3.tlsPort)", "tls_mode": "tls", "username": user,
         "password": pop3.password, "ca_certificate": pop3.caCertificatePEM, "poll_interval_seconds": 60]
    }

    @Test("the API shows the settings without the password, refuses bad ones naming each field, saves good ones that Herald can poll, and keeps the password when none is sent")
    func readAndWrite() async throws {
        let pop3 = try POP3LiveServer.fromEnvironment()
        try await withHerald { app in
            // given
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            let user = POP3LiveServer.newUser("herald-api")
            // when
            let before = try await app.testing().sendRequest(.GET, "/api/v1/bounce-settings", headers: headers)
            let refused = try await Self.put(app, headers, ["bounce_domain": "not a domain", "server": "pop.example.com:995", "tls_mode": "ssl",
                                                            "username": "", "poll_interval_seconds": 5])
            let wrongType = try await Self.put(app, headers, ["poll_interval_seconds": "often"])
            let saved = try await Self.put(app, headers, Self.mailbox(pop3, user: user))
            var withoutPassword = Self.mailbox(pop3, user: user)
            withoutPassword["password"] = nil
            withoutPassword["poll_interval_seconds"] = 120
            let kept = try await Self.put(app, headers, withoutPassword)
            let organizationID = try #require(try await Organization.query(on: app.db).first()?.requireID())
            let polled = try await app.herald.bouncePoller.poll(organizationID: organizationID, on: app.db)
            let unauthenticated = try await app.testing().sendRequest(.GET, "/api/v1/bounce-settings")
            // then
            #expect(before.status == .ok)
            let empty = try before.content.decode(APIController.BounceSettingsDTO.self)
            #expect(empty.server == nil && !empty.hasPassword && empty.pollIntervalSeconds == 300)
            #expect(refused.status == .unprocessableEntity)
            let reason = try refused.content.get(String.self, at: "reason")
            for field in ["bounce_domain", "tls_mode", "username", "password", "poll_interval_seconds"] {
                #expect(reason.contains("\(field): "), "\(field): \(reason)")
            }
            #expect(wrongType.status == .badRequest)
            #expect(saved.status == .ok, "\(saved.body.string)")
            #expect(!saved.body.string.contains(pop3.password))
            let stored = try saved.content.decode(APIController.BounceSettingsDTO.self)
            #expect(stored.server == "127.0.0.1:\(pop3.tlsPort)" && stored.hasPassword && stored.bounceDomain == "bounces.example.com")
            #expect(kept.status == .ok, "\(kept.body.string)")
            let afterKeep = try kept.content.decode(APIController.BounceSettingsDTO.self)
            #expect(afterKeep.hasPassword && afterKeep.pollIntervalSeconds == 120)
            #expect(polled?.hasPrefix("0 bounces recorded") == true, "\(polled ?? "nil")")
            #expect(unauthenticated.status == .unauthorized)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == .bounceSettingsChanged).count()
            #expect(audited == 2)
        }
    }

    @Test("a loopback POP3 server outside HERALD_POP3_ALLOWED_HOSTS is refused on saving, naming the field, and is not connected to when saved before the list narrowed")
    func loopbackMailboxRefusedByDefault() async throws {
        let pop3 = try POP3LiveServer.fromEnvironment()
        try await withHerald({ $0.pop3Servers = .pop3Standard }) { app in
            // given: the test Dovecot listens on a random loopback port, not a POP3 port
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            let user = POP3LiveServer.newUser("herald-limit")
            let organizationID = try #require(try await Organization.query(on: app.db).first()?.requireID())
            // when
            let refused = try await Self.put(app, headers, Self.mailbox(pop3, user: user))
            // settings an operator's earlier, wider list let through
            let input = BounceSettingsInput(bounce_domain: nil, server: "127.0.0.1:\(pop3.tlsPort)", tls_mode: "tls", username: user,
                                            password: pop3.password, ca_certificate: pop3.caCertificatePEM, poll_interval_seconds: "60")
            try await BounceSettingsStore.save(input, organizationID: organizationID, actor: .system, secretBox: app.herald.secretBox, on: app.db)
            let polled = try await app.herald.bouncePoller.poll(organizationID: organizationID, on: app.db)
            // then
            let expected = "server: 127.0.0.1:\(pop3.tlsPort) is not allowed on this Herald (its operator allows *:110, *:995)"
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.content.get(String.self, at: "reason") == expected)
            #expect(polled == "failed: \(expected)")
            #expect(ServerPolicy.pop3Standard.allows(host: "pop.example.com", port: 995))
        }
    }

    @Test("HERALD_POP3_ALLOWED_HOSTS: POP3's ports on any host by default, the operator's list when set, a bad entry named")
    func pop3Configuration() throws {
        let base = ["HERALD_PUBLIC_URL": "https://herald.example.com"]
        #expect(try Configuration.fromEnvironment(base).pop3Servers == .pop3Standard)
        let listed = try Configuration.fromEnvironment(base.merging(["HERALD_POP3_ALLOWED_HOSTS": "pop.example.com:995"]) { $1 }).pop3Servers
        #expect(listed.allows(host: "pop.example.com", port: 995) && !listed.allows(host: "127.0.0.1", port: 995))
        let refused = #expect(throws: ConfigurationError.self) {
            try Configuration.fromEnvironment(base.merging(["HERALD_POP3_ALLOWED_HOSTS": "pop.example.com:99999"]) { $1 })
        }
        #expect(refused?.problems == ["HERALD_POP3_ALLOWED_HOSTS: 'pop.example.com:99999' has no valid port (1-65535)"], "\(String(describing: refused))")
    }
}

@testable import App
import Fluent
import Foundation
import HeraldCore
import LiveServerSupport
import NIOCore
import NIOPosix
import SMTP
import SQLKit
import Testing
import Vapor

/// The inbound SMTP listener for bounces (#18, `HERALD_INBOUND_SMTP_PORT`): real SMTP clients deliver DSNs to it
/// and each lands on its invitation, recorded as the bounce mailbox's are. SQLite and PostgreSQL.
@Suite("Inbound SMTP bounces")
struct InboundBounceTests {
    /// Waits until the invitation to `address` has left `pending` (or `timeout` passes); returns it.
    static func settled(_ app: Application, _ address: String, within timeout: Duration = .seconds(90)) async throws -> Invitation {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < timeout {
            if let invitation = try await Invitation.query(on: app.db).filter(\.$email == address).first(), invitation.status != .pending {
                return invitation
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try #require(try await Invitation.query(on: app.db).filter(\.$email == address).first())
    }

    /// Runs `body`, then stops the listener whether or not it threw (its port is the one Postfix relays to).
    static func stopping(_ listener: InboundBounceListener, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            await listener.stop()
            throw error
        }
        await listener.stop()
    }

    @Test("Postfix accepts two invitations, bounces them (unknown user 5.1.1, over quota 5.2.2) and delivers its DSNs over SMTP to Herald's listener: each lands on its invitation, suppressed, in history, and as invitation.bounced")
    func postfixDeliversBouncesToListener() async throws {
        let relay = try PostfixRelayServer.fromEnvironment()
        try await withHerald({ WebhookTests.configure(&$0); $0.inboundSMTP = InboundSMTPSettings(port: relay.inboundPort) }) { app in
            let fixture = try await WebhookTests.Fixture(app)
            try await MailFixtures.useSMTP(app, organizationID: fixture.organizationID, port: relay.port)
            let input = BounceSettingsInput(bounce_domain: "inbound.test", server: "", tls_mode: "tls", username: nil, password: nil,
                                            ca_certificate: nil, poll_interval_seconds: "300")
            #expect(input.problems(hasStoredPassword: false, servers: .anyServer) == [])
            try await BounceSettingsStore.save(input, organizationID: fixture.organizationID, actor: .system, secretBox: app.herald.secretBox, on: app.db)
            let endpoint = try await fixture.send(.POST, "/webhooks/endpoints", #"{"url":"http://127.0.0.1:9/hook","eventTypes":["invitation.bounced"]}"#)
            let endpointID = try endpoint.content.get(String.self, at: "id")
            let listener = try #require(app.herald.inboundBounces)
            // As `herald serve` does (ServeLifecycle), on the port Postfix relays inbound.test to.
            try await listener.start(database: app.db)
            let gone = "nosuchuser-\(UUID().uuidString.prefix(8).lowercased())@relay.test"
            let full = "overquota@relay.test"
            try await Self.stopping(listener) {
                try await Self.checkPostfixBounces(app, fixture: fixture, endpointID: endpointID, relay: relay, gone: gone, full: full)
            }
        }
    }

    static func checkPostfixBounces(_ app: Application, fixture: WebhookTests.Fixture, endpointID: String, relay: PostfixRelayServer,
                                    gone: String, full: String) async throws {
        let invited = try await fixture.send(.POST, "/invitations/join", String(decoding: try JSONEncoder().encode(["emails": [gone, full]]), as: UTF8.self))
        #expect(invited.status == .created, "\(invited.body.string)")
        _ = try await app.herald.deliveryWorker.deliverUntilEmpty()
        let messages = try await OutboxMessage.query(on: app.db).all()
        #expect(messages.count == 2 && messages.allSatisfy { $0.status == .sent }, "Postfix did not accept: \(messages.map { $0.lastError ?? "" })")

        let unknown = try await settled(app, gone)
        #expect(unknown.status == .bounced, "no bounce reached the listener: \(relay.logTail())")
        #expect(unknown.bounceReason?.contains("unknown user") == true, "\(unknown.bounceReason ?? "")")
        let overQuota = try await settled(app, full)
        #expect(overQuota.status == .bounced, "no over-quota bounce reached the listener: \(relay.logTail())")
        #expect(overQuota.bounceReason?.contains("Mailbox full") == true, "\(overQuota.bounceReason ?? "")")

        let bounces = try await BounceRecord.query(on: app.db).all()
        #expect(Set(bounces.map(\.statusCode)) == ["5.1.1", "5.2.2"], "\(bounces.map(\.statusCode))")
        #expect(bounces.allSatisfy { $0.kind == .hard && $0.matchedBy == "verp" })
        #expect(Set(bounces.compactMap(\.invitationID)) == Set([unknown.id, overQuota.id].compactMap { $0 }))
        for address in [gone, full] {
            #expect(try await Suppressions.entry(organizationID: fixture.organizationID, address: address, on: app.db)?.reason == .hardBounce)
        }
        #expect(try await InvitationEvent.query(on: app.db).filter(\.$invitation.$id == unknown.requireID()).all().contains { $0.kind == .bounced })
        #expect(try await fixture.deliveries(endpointID).map(\.eventType) == ["invitation.bounced", "invitation.bounced"])
    }

    /// The invitation a client test bounces: its address, its VERP envelope sender, and a Postfix-shaped DSN for it.
    struct Bounced {
        let address: String
        let verpAddress: String
        let dsn: [UInt8]
    }

    /// Invites one address (delivered to aiosmtpd under its VERP sender), starts the listener on a free port as
    /// `herald serve` would, and runs `body` with Herald's SMTP client connected to it; then stops both.
    static func withListenerClient(_ app: Application, _ body: (Bounced, SMTPConnection) async throws -> Void) async throws {
        let setup = try await BounceTests.Setup(app)
        let address = "gone-\(UUID().uuidString.prefix(8).lowercased())@example.net"
        _ = try await setup.invite(app, [address])
        let (verpAddress, headers) = try setup.received(by: address)
        let bounced = Bounced(address: address, verpAddress: verpAddress, dsn: BounceTests.postfixDSN(
            to: verpAddress, recipient: address, status: "5.1.1", reason: "550 5.1.1 <\(address)>: user unknown", returnedHeaders: headers))
        let listener = try #require(app.herald.inboundBounces)
        try await listener.start(database: app.db)
        try await stopping(listener) {
            let server = SMTP.SMTPServerConfiguration(host: "127.0.0.1", port: try #require(listener.port), tlsMode: .none, clientHostname: "mx.example.net")
            let client = try await SMTPConnection.connect(to: server, group: app.eventLoopGroup, logger: app.logger)
            do {
                try await body(bounced, client)
            } catch {
                await client.close()
                throw error
            }
            await client.close()
        }
    }

    @Test("Herald's own SMTP client delivers a DSN to the listener: 250 once recorded on the invitation; other recipients are refused (no relay), a message that is no bounce is accepted and dropped")
    func smtpClientDeliversDSN() async throws {
        try await withHerald({ $0.inboundSMTP = InboundSMTPSettings(port: 0) }) { app in
            try await Self.withListenerClient(app) { bounced, client in
                let relayAttempt = await client.send(SMTPEnvelope(sender: "", recipients: ["victim@gmail.com", "bounces@\(BounceTests.domain).evil.example"],
                                                                  message: ByteBuffer(bytes: bounced.dsn)))
                #expect((try? relayAttempt.get()) == nil, "the listener took mail for someone else: \(relayAttempt)")
                let notABounce = await client.send(SMTPEnvelope(sender: "spam@example.org", recipients: ["bounces@\(BounceTests.domain)"],
                                                                message: ByteBuffer(string: "Subject: hello\r\n\r\nbuy now\r\n")))
                #expect((try? notABounce.get()) != nil, "\(notABounce)")
                #expect(try await BounceRecord.query(on: app.db).count() == 0)
                let delivered = await client.send(SMTPEnvelope(sender: "", recipients: [bounced.verpAddress.uppercased()], message: ByteBuffer(bytes: bounced.dsn)))
                #expect(try delivered.get().reply.code == 250)
                // 250 came after the bounce was recorded: no waiting needed.
                let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == bounced.address).first())
                #expect(invitation.status == .bounced && invitation.bounceReason?.contains("user unknown") == true)
                let bounce = try #require(try await BounceRecord.query(on: app.db).first())
                #expect(bounce.matchedBy == "verp" && bounce.invitationID == invitation.id && bounce.statusCode == "5.1.1")
            }
        }
    }

    @Test("when the bounce cannot be recorded (the database fails) the sender is answered 451 4.3.0 and keeps the bounce; nothing is half-recorded")
    func databaseErrorIsTemporary() async throws {
        try await withHerald({ $0.inboundSMTP = InboundSMTPSettings(port: 0) }) { app in
            try await Self.withListenerClient(app) { bounced, client in
                // A real database error: the table the bounce is written to is gone.
                try await (app.db as! any SQLDatabase).raw("DROP TABLE \(ident: BounceRecord.schema)").run()
                let refused = await client.send(SMTPEnvelope(sender: "", recipients: [bounced.verpAddress], message: ByteBuffer(bytes: bounced.dsn)))
                guard case .failure(let error) = refused else { Issue.record("accepted although nothing was recorded"); return }
                #expect(error.code == 451 && error.enhancedCode == "4.3.0" && error.isTemporary, "\(error)")
                #expect(try await Invitation.query(on: app.db).filter(\.$email == bounced.address).first()?.status == .pending)
            }
        }
    }

    @Test("herald serve starts the listener when HERALD_INBOUND_SMTP_PORT is set, and it ends with the process")
    func serveStartsTheListener() async throws {
        let deployment = try HeraldDeployment()
        defer { deployment.tearDown() }
        let port = try HeraldProcess.freePort()
        let instance = try await deployment.serve(["HERALD_INBOUND_SMTP_PORT": String(port)])
        let server = SMTP.SMTPServerConfiguration(host: "127.0.0.1", port: port, tlsMode: .none, clientHostname: "mx.example.net")
        let client = try await SMTPConnection.connect(to: server, group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "inbound-test"))
        let relayAttempt = await client.send(SMTPEnvelope(sender: "", recipients: ["victim@gmail.com"], message: ByteBuffer(string: "Subject: x\r\n\r\nx\r\n")))
        await client.close()
        #expect((try? relayAttempt.get()) == nil, "\(relayAttempt)")
        instance.kill(signal: SIGTERM)
        await #expect(throws: (any Error).self) {
            try await SMTPConnection.connect(to: server, group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "inbound-test"))
        }
    }
}

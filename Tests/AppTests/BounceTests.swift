@testable import App
import Fluent
import Foundation
import HeraldCore
import LiveServerSupport
import Testing
import Vapor
import VaporTesting

/// Bounces tied back to each invitation (#18): VERP envelope senders through a real SMTP server (aiosmtpd), a
/// Postfix-shaped DSN put into a real Dovecot mailbox, read by the poller over POP3S, landing on the right invitation
/// within one poll interval; the fallback by Message-ID and recipient; forged tokens; repeats. SQLite and PostgreSQL.
@Suite("Bounces")
struct BounceTests {
    static let domain = "bounces.example.com"

    struct Setup {
        let fixture: WebhookTests.Fixture
        let smtp: LiveServers
        let pop3: POP3LiveServer
        let mailboxUser: String

        init(_ app: Application, pollInterval: Int = 10, relay: PostfixRelayServer? = nil) async throws {
            fixture = try await WebhookTests.Fixture(app)
            smtp = try LiveServers.fromEnvironment()
            pop3 = try POP3LiveServer.fromEnvironment()
            mailboxUser = relay?.mailboxUser ?? POP3LiveServer.newUser("herald-bounces")
            try await MailFixtures.useSMTP(app, organizationID: fixture.organizationID, port: relay?.port ?? smtp.plainPort)
            let input = BounceSettingsInput(bounce_domain: relay == nil ? BounceTests.domain : "bounces.test", server: "localhost:\(pop3.tlsPort)", tls_mode: "tls",
                                            username: mailboxUser, password: pop3.password, ca_certificate: pop3.caCertificatePEM,
                                            poll_interval_seconds: "\(pollInterval)")
            #expect(input.problems(hasStoredPassword: false, servers: .anyServer) == [])
            try await BounceSettingsStore.save(input, organizationID: fixture.organizationID, actor: .system, secretBox: app.herald.secretBox, on: app.db)
        }

        /// Invites `emails` to join and delivers the messages to aiosmtpd; returns each address's outbox message.
        func invite(_ app: Application, _ emails: [String]) async throws -> [String: OutboxMessage] {
            let body = try JSONEncoder().encode(["emails": emails])
            let invited = try await fixture.send(.POST, "/invitations/join", String(decoding: body, as: UTF8.self))
            #expect(invited.status == .created, "\(invited.body.string)")
            _ = try await app.herald.deliveryWorker.deliverUntilEmpty()
            let messages = try await OutboxMessage.query(on: app.db).filter(\.$organization.$id == fixture.organizationID).all()
            return Dictionary(messages.map { ($0.recipients, $0) }) { first, _ in first }
        }

        /// The envelope sender aiosmtpd saw for the message to `recipient`, and the message's header block.
        func received(by recipient: String) throws -> (mailFrom: String, headers: String) {
            let names = try FileManager.default.contentsOfDirectory(atPath: smtp.maildir).filter { $0.hasSuffix(".envelope.json") }
            for name in names {
                let stored = try smtp.storedMessage(named: String(name.dropLast(".envelope.json".count)))
                guard (stored.envelope["rcpt_tos"] as? [String])?.contains(recipient) == true else { continue }
                let text = String(decoding: stored.eml, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
                let headers = text.components(separatedBy: "\n\n").first ?? ""
                return (stored.envelope["mail_from"] as? String ?? "", headers)
            }
            throw TestSetupError("aiosmtpd received nothing for \(recipient)")
        }
    }

    /// A delivery status notification shaped like Postfix's bounce(8) report, sent back to `to`.
    static func postfixDSN(to: String, recipient: String, status: String, reason: String, returnedHeaders: String) -> [UInt8] {
        let action = status.hasPrefix("5") ? "failed" : "delayed"
        return Array("""
            Return-Path: <>\r
            Delivered-To: \(to)\r
            From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\r
            To: \(to)\r
            Subject: Undelivered Mail Returned to Sender\r
            Auto-Submitted: auto-replied\r
            MIME-Version: 1.0\r
            Content-Type: multipart/report; report-type=delivery-status;\r
            \tboundary="B0UNCE.1765130531/mx.example.net"\r
            \r
            This is a MIME-encapsulated message.\r
            \r
            --B0UNCE.1765130531/mx.example.net\r
            Content-Description: Notification\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            <\(recipient)>: \(reason)\r
            \r
            --B0UNCE.1765130531/mx.example.net\r
            Content-Description: Delivery report\r
            Content-Type: message/delivery-status\r
            \r
            Reporting-MTA: dns; mx.example.net\r
            X-Postfix-Queue-ID: 4Xk2Lq0Zz1z9sW\r
            \r
            Final-Recipient: rfc822; \(recipient)\r
            Original-Recipient: rfc822;\(recipient)\r
            Action: \(action)\r
            Status: \(status)\r
            Diagnostic-Code: smtp; \(reason)\r
            \r
            --B0UNCE.1765130531/mx.example.net\r
            Content-Description: Undelivered Message Headers\r
            Content-Type: text/rfc822-headers\r
            \r
            \(returnedHeaders.replacingOccurrences(of: "\n", with: "\r\n"))\r
            \r
            --B0UNCE.1765130531/mx.example.net--\r

            """.utf8)
    }

    @Test("every message goes out with its own VERP envelope sender; without a bounce domain the sender address stays")
    func verpEnvelopeSender() async throws {
        try await withHerald { app in
            let setup = try await Setup(app)
            let address = "verp-\(UUID().uuidString.prefix(8).lowercased())@example.net"
            let message = try #require(try await setup.invite(app, [address])[address])
            let (mailFrom, _) = try setup.received(by: address)
            #expect(mailFrom.hasPrefix("bounces+") && mailFrom.hasSuffix("@\(Self.domain)"), "\(mailFrom)")
            #expect(app.herald.bouncePoller.recorder.verp.messageID(in: mailFrom) == message.id)
            #expect(message.mailFrom == "herald@example.com")

            let cleared = BounceSettingsInput(bounce_domain: "", server: "", tls_mode: "tls", username: nil, password: nil,
                                              ca_certificate: nil, poll_interval_seconds: "300")
            try await BounceSettingsStore.save(cleared, organizationID: setup.fixture.organizationID, actor: .system, secretBox: app.herald.secretBox, on: app.db)
            let plain = "plain-\(UUID().uuidString.prefix(8).lowercased())@example.net"
            _ = try await setup.invite(app, [plain])
            #expect(try setup.received(by: plain).mailFrom == "herald@example.com")
        }
    }

    @Test("a hard bounce put into the Dovecot mailbox lands on its invitation within one poll interval, everywhere it shows")
    func bounceLandsWithinOnePoll() async throws {
        let interval = 10
        try await withHerald({ WebhookTests.configure(&$0) }) { app in
            let setup = try await Setup(app, pollInterval: interval)
            let endpoint = try await setup.fixture.send(.POST, "/webhooks/endpoints", #"{"url":"http://127.0.0.1:9/hook","eventTypes":["invitation.bounced"]}"#)
            let endpointID = try endpoint.content.get(String.self, at: "id")
            let gone = "gone-\(UUID().uuidString.prefix(8).lowercased())@example.net"
            let kept = "kept-\(UUID().uuidString.prefix(8).lowercased())@example.net"
            _ = try await setup.invite(app, [gone, kept])
            let (verpAddress, headers) = try setup.received(by: gone)
            // The server's words, with non-ASCII text and a right-to-left override that must not reach the console.
            let reason = "550 5.1.1 <\(gone)>: Benutzer unbekannt – user unknown\u{202E}gpj.exe"
            try setup.pop3.deliver(Self.postfixDSN(to: verpAddress, recipient: gone, status: "5.1.1", reason: reason, returnedHeaders: headers),
                                   to: setup.mailboxUser)
            // when: the poller's first poll, as in `herald serve`
            try await Self.firstPoll(app, organizationID: setup.fixture.organizationID)
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == gone).first())
            // then: the right invitation, by the first poll, with the reason as the server gave it (made safe)
            #expect(invitation.status == .bounced, "not bounced by the first poll")
            #expect(invitation.bounceReason == "550 5.1.1 <\(gone)>: Benutzer unbekannt – user unknowngpj.exe")
            #expect(try await Invitation.query(on: app.db).filter(\.$email == kept).first()?.status == .pending)
            let bounce = try #require(try await BounceRecord.query(on: app.db).first())
            #expect(bounce.kind == .hard && bounce.statusCode == "5.1.1" && bounce.matchedBy == "verp" && bounce.address == gone)
            #expect(bounce.invitationID == invitation.id)
            #expect(setup.pop3.messageCount(of: setup.mailboxUser) == 0)
            let settings = try await BounceSettingsStore.settings(for: setup.fixture.organizationID, on: app.db)
            #expect(settings.lastPollResult?.hasPrefix("1 bounces recorded") == true, "\(settings.lastPollResult ?? "")")
            // the webhook, the API, the dashboard's figures, the console, /metrics
            let events = try await setup.fixture.deliveries(endpointID)
            #expect(events.map(\.eventType) == ["invitation.bounced"])
            #expect(events.first?.payload.contains(#""status":"bounced""#) == true)
            #expect(events.first?.payload.contains(#""statusCode":"5.1.1""#) == true)
            let list = try await setup.fixture.send(.GET, "/invitations?status=bounced")
            #expect(list.status == .ok)
            #expect(list.body.string.contains(gone) && !list.body.string.contains(kept))
            #expect(list.body.string.contains(#""bounceReason":"550 5.1.1"#))
            let stats = try await setup.fixture.send(.GET, "/stats")
            #expect(stats.body.string.contains(#""bounced":1"#), "\(stats.body.string)")
            let metrics = try await app.testing().sendRequest(.GET, "/metrics")
            #expect(metrics.body.string.contains(#"herald_bounces_total{kind="hard"}"#))
            // a second poll finds nothing new and records nothing twice
            _ = try await app.herald.bouncePoller.poll(organizationID: setup.fixture.organizationID, on: app.db)
            #expect(try await BounceRecord.query(on: app.db).count() == 1)
        }
    }

    @Test("Postfix accepts the invitation, bounces it (unknown user) into Dovecot, and the poller ties the real DSN to the invitation within one poll interval")
    func realPostfixBounce() async throws {
        let interval = 10
        let relay = try PostfixRelayServer.fromEnvironment()
        try await withHerald { app in
            let setup = try await Setup(app, pollInterval: interval, relay: relay)
            let gone = "nosuchuser-\(UUID().uuidString.prefix(8).lowercased())@relay.test"
            let messages = try await setup.invite(app, [gone])
            let message = try #require(messages[gone])
            #expect(message.status == .sent, "Postfix did not accept the message: \(message.lastError ?? "")")
            // Postfix bounces it asynchronously: wait for its DSN to reach the mailbox, then give the poller one interval.
            let waiting = ContinuousClock.now
            while setup.pop3.messageCount(of: relay.mailboxUser) == 0, ContinuousClock.now - waiting < .seconds(30) {
                try await Task.sleep(for: .milliseconds(200))
            }
            try #require(setup.pop3.messageCount(of: relay.mailboxUser) > 0, "no bounce from Postfix: \(relay.logTail())")
            try await Self.firstPoll(app, organizationID: setup.fixture.organizationID)
            let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == gone).first())
            let lastPoll = try await BounceSettingsStore.settings(for: setup.fixture.organizationID, on: app.db).lastPollResult ?? ""
            #expect(invitation.status == .bounced, "not bounced by the first poll: \(lastPoll)")
            #expect(invitation.bounceReason?.contains("unknown user") == true, "\(invitation.bounceReason ?? "")")
            let bounce = try #require(try await BounceRecord.query(on: app.db).first())
            #expect(bounce.statusCode == "5.1.1" && bounce.kind == .hard && bounce.matchedBy == "verp" && bounce.outboxMessageID == message.id)
        }
    }

    @Test("without a VERP token: matched by returned Message-ID and recipient; forged tokens, other organizations' messages and repeats record nothing; soft bounces leave the invitation pending")
    func matchingRules() async throws {
        try await withHerald { app in
            let setup = try await Setup(app)
            let hard = "nomatch-\(UUID().uuidString.prefix(8).lowercased())@example.net"
            let soft = "later-\(UUID().uuidString.prefix(8).lowercased())@example.net"
            let messages = try await setup.invite(app, [hard, soft])
            let recorder = app.herald.bouncePoller.recorder
            let organizationID = setup.fixture.organizationID
            func report(to: String, recipient: String, status: String, messageID: String) throws -> BounceReport {
                try #require(BounceParser.parse(Self.postfixDSN(to: to, recipient: recipient, status: status, reason: "\(status) no",
                                                                returnedHeaders: "Message-ID: \(messageID)")))
            }
            let hardMessage = try #require(messages[hard])
            // A forged token (right shape, wrong HMAC) and an unknown Message-ID: nothing.
            let forged = "bounces+" + String(repeating: "0", count: 52) + "@\(Self.domain)"
            #expect(try await recorder.record(try report(to: forged, recipient: hard, status: "5.1.1", messageID: "<unknown@x>"), organizationID: organizationID, on: app.db).isEmpty)
            // Another organization's mailbox cannot mark this organization's message.
            let other = try await TestData.administrator(app, email: "other@example.org", password: "Correct-Horse-42", organization: "Other")
            #expect(try await recorder.record(try report(to: "x@y.example", recipient: hard, status: "5.1.1", messageID: hardMessage.messageID),
                                              organizationID: try other.organization.requireID(), on: app.db).isEmpty)
            // Message-ID of the message plus an address that is not its recipient: nothing.
            #expect(try await recorder.record(try report(to: "x@y.example", recipient: "someone@else.example", status: "5.1.1", messageID: hardMessage.messageID),
                                              organizationID: organizationID, on: app.db).isEmpty)
            // The real fallback: returned Message-ID and the recipient.
            let fallback = try report(to: "postmaster@example.com", recipient: hard, status: "5.1.1", messageID: hardMessage.messageID)
            let recorded = try await recorder.record(fallback, organizationID: organizationID, on: app.db)
            #expect(recorded.map(\.address) == [hard])
            #expect(try await BounceRecord.query(on: app.db).first()?.matchedBy == "recipient")
            #expect(try await recorder.record(fallback, organizationID: organizationID, on: app.db).isEmpty)
            // A soft bounce (4.x.x) is recorded and leaves the invitation pending.
            let softMessage = try #require(messages[soft])
            let verp = recorder.verp.address(for: try softMessage.requireID(), domain: Self.domain)
            let softRecorded = try await recorder.record(try report(to: verp, recipient: soft, status: "4.2.2", messageID: softMessage.messageID),
                                                         organizationID: organizationID, on: app.db)
            #expect(softRecorded.map(\.kind) == [.soft])
            #expect(try await Invitation.query(on: app.db).filter(\.$email == soft).first()?.status == .pending)
            #expect(try await Invitation.query(on: app.db).filter(\.$email == hard).first()?.status == .bounced)
            // The hard bounce put the address on the suppression list (the soft one did not, below the threshold), with
            // the server's reason, and into the invitation's history; a resend is refused until the entry is cleared.
            let entry = try #require(try await Suppressions.entry(organizationID: organizationID, address: hard, on: app.db))
            #expect(entry.reason == .hardBounce && entry.remoteReason?.contains("5.1.1") == true)
            #expect(try await Suppressions.entry(organizationID: organizationID, address: soft, on: app.db) == nil)
            let bounced = try #require(try await Invitation.query(on: app.db).filter(\.$email == hard).first())
            #expect(try await InvitationEvent.query(on: app.db).filter(\.$invitation.$id == bounced.requireID()).all().contains { $0.kind == .bounced })
            let refused = try await setup.fixture.send(.POST, "/invitations/\(try bounced.requireID())/resend")
            #expect(refused.status == .conflict, "\(refused.body.string)")
            try await Suppressions.clear(organizationID: organizationID, address: hard, actor: .commandLine, on: app.db)
            // Cleared: the bounced invitation can be resent, which makes it pending again.
            let resent = try await setup.fixture.send(.POST, "/invitations/\(try bounced.requireID())/resend")
            #expect(resent.status == .accepted, "\(resent.body.string)")
            #expect(try await Invitation.find(bounced.id, on: app.db)?.status == .pending)
        }
    }

    /// Runs the poller as `herald serve` does and stops it as soon as its first poll is over. "Within one poll interval"
    /// is counted in polls, not seconds: the next poll comes a whole interval after the first one ends, so watching
    /// every 200 ms sees the first one alone, however long a loaded machine makes it take.
    static func firstPoll(_ app: Application, organizationID: UUID) async throws {
        let started = ContinuousClock.now
        app.herald.bouncePoller.start(database: app.db, clock: app.herald.clock)
        while try await BounceSettings.query(on: app.db).filter(\.$organization.$id == organizationID).first()?.lastPollAt == nil,
              ContinuousClock.now - started < .seconds(120) {
            try await Task.sleep(for: .milliseconds(200))
        }
        await app.herald.bouncePoller.stop()
    }

    @Test("bounce settings are validated field by field")
    func settingsValidation() {
        let bad = BounceSettingsInput(bounce_domain: "not a domain", server: "pop.example.com", tls_mode: "none", username: "a\nb",
                                      password: nil, ca_certificate: "nope", poll_interval_seconds: "5")
        let problems = bad.problems(hasStoredPassword: false, servers: .anyServer)
        for field in ["bounce_domain", "server", "tls_mode", "username", "password", "ca_certificate", "poll_interval_seconds"] {
            #expect(problems.contains { $0.hasPrefix("\(field):") }, "\(field): \(problems)")
        }
        #expect(problems.contains("server: 'pop.example.com' has no port (use host:port, e.g. pop.example.com:995)"), "\(problems)")
        #expect(BounceSettingsInput.domainProblem("bounces.example.com") == nil)
        let internationalized = BounceSettingsInput(bounce_domain: " Bounces.Bücher.example ", server: nil, tls_mode: nil, username: nil,
                                                    password: nil, ca_certificate: nil, poll_interval_seconds: nil)
        #expect(internationalized.domain == "bounces.xn--bcher-kva.example")
        #expect(internationalized.problems(hasStoredPassword: false, servers: .anyServer) == [])
        #expect(BounceSettingsInput.domainProblem("-x.example.com") != nil)
        #expect(BounceSettingsInput.domainProblem("localhost") != nil)
    }

    @Test("Console → Mail → Bounces: a bad form is refused naming each field, a good one is saved and audited, the mailbox is read on request, and the invitation list shows the reason")
    func consolePage() async throws {
        let pop3 = try POP3LiveServer.fromEnvironment()
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            #expect(try await browser.get("/console/mail").body.string.contains("/console/mail/bounces"))
            let refused = try await browser.post("/console/mail/bounces", form: ["bounce_domain": "not a domain", "server": "pop.example.com:995",
                                                                                  "tls_mode": "tls", "username": "", "poll_interval_seconds": "1"],
                                                 csrfFrom: "/console/mail/bounces")
            #expect(refused.status == .unprocessableEntity)
            for field in ["bounce_domain:", "username:", "password:", "poll_interval_seconds:"] { #expect(refused.body.string.contains(field), "\(field)") }
            let user = POP3LiveServer.newUser("herald-console")
            let saved = try await browser.post("/console/mail/bounces", form: [
                "bounce_domain": "Bounces.Example.COM", "server": "localhost:\(pop3.tlsPort)", "tls_mode": "tls", "username": user,
                "password": pop3.password, "ca_certificate": pop3.caCertificatePEM, "poll_interval_seconds": "60"], csrfFrom: "/console/mail/bounces")
            #expect(saved.status == .seeOther)
            let settings = try #require(try await BounceSettings.query(on: app.db).first())
            #expect(settings.bounceDomain == "bounces.example.com" && settings.pollIntervalSeconds == 60)
            #expect(settings.passwordCiphertext != nil && settings.passwordCiphertext?.contains(pop3.password) == false)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .bounceSettingsChanged).count() == 1)
            let page = try await browser.get("/console/mail/bounces").body.string
            #expect(page.contains("bounces.example.com") && !page.contains(pop3.password))
            let polled = try await browser.post("/console/mail/bounces/poll", form: [:], csrfFrom: "/console/mail/bounces")
            #expect(polled.status == .seeOther)
            let afterPoll = try await BounceSettings.query(on: app.db).first()
            #expect(afterPoll?.lastPollResult?.hasPrefix("0 bounces recorded") == true, "\(afterPoll?.lastPollResult ?? "")")
            // A hard-bounced invitation in the list, with the server's reason.
            let organizationID = settings.$organization.id
            let invitation = Invitation()
            invitation.$organization.id = organizationID
            invitation.kind = .join
            invitation.email = "bounced@example.net"
            invitation.language = "en"
            invitation.status = .bounced
            invitation.bounceReason = "550 5.1.1 no such user"
            invitation.expiresAt = Date().addingTimeInterval(86_400)
            try await invitation.create(on: app.db)
            let list = try await browser.get("/console/invitations?status=bounced").body.string
            #expect(list.contains("bounced@example.net") && list.contains("550 5.1.1 no such user"))
        }
    }
}

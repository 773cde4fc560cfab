@testable import App
import DKIM
import Fluent
import Foundation
import LiveServerSupport
import MIME
import MailTestSupport
import Testing
import Vapor
import VaporTesting

/// DKIM keys per organization and domain: generation, sealing at rest, rotation with two selectors, the console's
/// DNS check, and signatures checked by dkimpy on the bytes a real SMTP server received.
@Suite("DKIM keys and signed delivery")
struct DKIMKeyTests {
    struct Fixture {
        let app: Application
        let organizationID: UUID
        let headers: HTTPHeaders

        init(_ app: Application) async throws {
            self.app = app
            let administrator = try await APIAdministrator(app)
            organizationID = administrator.organizationID
            headers = administrator.headers
        }

        func post(_ path: String, _ body: String = "{}") async throws -> TestingHTTPResponse {
            try await app.testing().sendRequest(.POST, "/api/v1" + path, headers: headers, body: ByteBuffer(string: body))
        }

        func get(_ path: String) async throws -> TestingHTTPResponse {
            try await app.testing().sendRequest(.GET, "/api/v1" + path, headers: headers)
        }

        func key(_ body: String) async throws -> APIController.DKIMKeyDTO {
            let response = try await post("/dkim-keys", body)
            guard response.status == .created else { throw TestSetupError("create: \(response.status) \(response.body.string)") }
            return try response.content.decode(APIController.DKIMKeyDTO.self)
        }
    }

    @Test("rotation: pending, active, a second key on the other selector, the first retired when it activates; all audited; private keys sealed")
    func rotation() async throws {
        try await withHerald { app in
            let fixture = try await Fixture(app)
            // given a first key
            let first = try await fixture.key(#"{"domain":"Example.com","algorithm":"ed25519-sha256"}"#)
            #expect(first.status == .pending && first.selector == "herald1" && first.domain == "example.com")
            #expect(first.dnsName == "herald1._domainkey.example.com")
            #expect(first.record.hasPrefix("v=DKIM1; k=ed25519; p="))
            // a second pending key for the same domain waits for the first
            let again = try await fixture.post("/dkim-keys", #"{"domain":"example.com"}"#)
            #expect(again.status == .conflict)
            #expect(try again.content.get(String.self, at: "reason").hasPrefix("domain:"))
            // when activated
            let activated = try await fixture.post("/dkim-keys/\(first.id)/activate")
            #expect(try activated.content.decode(APIController.DKIMKeyDTO.self).status == .active)
            // then a new key takes the other selector and, once active, retires the first
            let second = try await fixture.key(#"{"domain":"example.com","algorithm":"rsa-sha256"}"#)
            #expect(second.selector == "herald2" && second.record.hasPrefix("v=DKIM1; k=rsa; p="))
            #expect(try await fixture.post("/dkim-keys/\(second.id)/activate").status == .ok)
            let keys = try await fixture.get("/dkim-keys").content.decode([APIController.DKIMKeyDTO].self)
            #expect(Dictionary(uniqueKeysWithValues: keys.map { ($0.selector, $0.status) }) == ["herald1": .retired, "herald2": .active])
            #expect(try await fixture.post("/dkim-keys/\(first.id)/activate").status == .conflict)
            // the third key reuses herald1, whose key is retired
            #expect(try await fixture.key(#"{"domain":"example.com"}"#).selector == "herald1")

            let actions = try await AuditEvent.query(on: app.db).all().map(\.action).filter { $0.rawValue.hasPrefix("dkim_key.") }
            #expect(actions.filter { $0 == .dkimKeyCreated }.count == 3)
            #expect(actions.filter { $0 == .dkimKeyActivated }.count == 2)
            #expect(actions.filter { $0 == .dkimKeyRetired }.count == 1)

            for row in try await DKIMKey.query(on: app.db).all() {
                #expect(row.privateKeyCiphertext.hasPrefix("v1:"))
                let opened = try app.herald.secretBox.open(row.privateKeyCiphertext)
                #expect(!row.privateKeyCiphertext.contains(opened))
                let key = try DKIMPrivateKey(algorithm: row.algorithm, storedRepresentation: try #require(Data(base64Encoded: opened)))
                #expect(key.publicKeyBase64 == row.publicKey)
            }
        }
    }

    @Test("input is checked and refusals name the field", arguments: [
        (#"{"domain":"exa mple.com"}"#, "domain:"), (#"{"domain":"localhost"}"#, "domain:"),
        (#"{"domain":"example.com","algorithm":"rsa-sha1"}"#, "algorithm:"),
        (#"{"domain":"example.com","selector":"a;b"}"#, "selector:"),
    ])
    func refusals(body: String, field: String) async throws {
        try await withHerald { app in
            let fixture = try await Fixture(app)
            let response = try await fixture.post("/dkim-keys", body)
            #expect(response.status == .unprocessableEntity)
            #expect(try response.content.get(String.self, at: "reason").hasPrefix(field))
            #expect(try await fixture.post("/dkim-keys/\(UUID())/activate").status == .notFound)
        }
    }

    static func message(_ index: Int, prefix: String) throws -> MailMessage {
        let names = ["Ann Lee", "Zoë Ångström-Øster", "山田 太郎", "O'Brien, Pat \"Paddy\""]
        let subjects = ["Welcome to Acme", "Invitation à rejoindre « Société Générale » —参加してください",
                        "A subject long enough that the header writer has to fold it over more than one line of the message header", "Re: [x] =?not-encoded?= ok"]
        return MailMessage(
            from: Mailbox(address: try EmailAddress("herald@example.com"), displayName: index % 2 == 0 ? "Herald Tests" : "Équipe Herald"),
            to: [Mailbox(address: try EmailAddress("\(prefix)-\(index)@example.com"), displayName: names[index % names.count])],
            subject: subjects[index % subjects.count],
            textBody: "Hello,\n.\n..two dots\n. a dot and a space\nTrailing spaces   \n\n\nend\n",
            htmlBody: index % 2 == 0 ? nil : "<p>Hello</p>\n.<p>dot</p>\n"
        )
    }

    @Test("signed once when queued; every message received by the SMTP server verifies with dkimpy; tampered ones do not",
          arguments: DKIMAlgorithm.allCases)
    func signedDelivery(algorithm: DKIMAlgorithm) async throws {
        let servers = try LiveServers.fromEnvironment()
        try await withHerald { app in
            let fixture = try await Fixture(app)
            try await MailFixtures.useSMTP(app, organizationID: fixture.organizationID, port: servers.startTLSPort, tls: "starttls",
                                           host: "localhost", caFile: servers.caFile, username: servers.username, password: servers.password)
            let prefix = "dkim-\(UUID().uuidString.prefix(8))"
            // queued before any key is active: sent unsigned
            try await app.herald.mailer.outbox.enqueue([OutgoingMail(organizationID: fixture.organizationID, message: try Self.message(0, prefix: prefix + "-before"))], on: app.db)
            let key = try await fixture.key(#"{"domain":"example.com","algorithm":"\#(algorithm.rawValue)"}"#)
            #expect(try await fixture.post("/dkim-keys/\(key.id)/activate").status == .ok)
            let mails = try (0..<8).map { OutgoingMail(organizationID: fixture.organizationID, message: try Self.message($0, prefix: prefix)) }
            let queued = try await app.herald.mailer.outbox.enqueue(mails, on: app.db)

            let report = try await app.herald.deliveryWorker.deliverUntilEmpty()
            #expect(report.sent == 9)

            let records = [key.dnsName: key.record]
            var received: [[UInt8]] = []
            for index in 0..<8 {
                let copies = try servers.received(by: "\(prefix)-\(index)@example.com")
                #expect(copies.count == 1)
                received.append(Array(try #require(copies.first).utf8))
                // what was sent is what was stored: signed when queued, not again per attempt
                let stored = try #require(queued.first { $0.recipients == "\(prefix)-\(index)@example.com" })
                #expect(String(decoding: OutboxReader.raw(stored), as: UTF8.self).hasPrefix("DKIM-Signature: v=1; a=\(algorithm.rawValue);"))
            }
            let verdicts = try DKIMReferee.failures(of: received, records: records)
            #expect(verdicts.allSatisfy { $0 == nil }, "\(verdicts.compactMap { $0 })")
            let before = try #require(try servers.received(by: "\(prefix)-before-0@example.com").first)
            #expect(!before.contains("DKIM-Signature"))

            // tampered: body, subject, an added From, and the right message against another key
            let text = String(decoding: received[0], as: UTF8.self)
            let tampered = [
                Array(text.replacingOccurrences(of: "end", with: "END").utf8),
                Array(text.replacingOccurrences(of: "Subject: Welcome", with: "Subject: Welcome!").utf8),
                Array(("From: someone@example.net\r\n" + text).utf8),
            ]
            #expect(try DKIMReferee.failures(of: tampered, records: records).allSatisfy { $0 != nil })
            let otherKey = try DKIMPrivateKey.generate(algorithm)
            #expect(try DKIMReferee.failures(of: [received[0]], records: [key.dnsName: otherKey.dnsRecord]).allSatisfy { $0 != nil })
        }
    }

    @Test("after a rotation new mail is signed with the new selector, and mail signed with the old key still verifies against its record")
    func rotationKeepsOldMailVerifiable() async throws {
        try await withHerald { app in
            let fixture = try await Fixture(app)
            let first = try await fixture.key(#"{"domain":"example.com","algorithm":"ed25519-sha256"}"#)
            _ = try await fixture.post("/dkim-keys/\(first.id)/activate")
            let old = try await app.herald.mailer.outbox.enqueue([OutgoingMail(organizationID: fixture.organizationID, message: try Self.message(1, prefix: "old"))], on: app.db)
            let second = try await fixture.key(#"{"domain":"example.com","algorithm":"rsa-sha256"}"#)
            _ = try await fixture.post("/dkim-keys/\(second.id)/activate")
            // a subdomain's mail is signed by the parent domain's key (DMARC relaxed alignment)
            var sub = try Self.message(2, prefix: "new")
            sub.from = Mailbox(address: try EmailAddress("news@mail.example.com"))
            let new = try await app.herald.mailer.outbox.enqueue([
                OutgoingMail(organizationID: fixture.organizationID, message: try Self.message(2, prefix: "new")),
                OutgoingMail(organizationID: fixture.organizationID, message: sub),
            ], on: app.db)
            let oldRaw = OutboxReader.raw(old[0])
            let newRaw = new.map { OutboxReader.raw($0) }
            #expect(String(decoding: oldRaw, as: UTF8.self).contains("s=herald1;"))
            #expect(newRaw.allSatisfy { String(decoding: $0, as: UTF8.self).contains("s=herald2;") })
            let records = [first.dnsName: first.record, second.dnsName: second.record]
            #expect(try DKIMReferee.failures(of: [oldRaw] + newRaw, records: records) == [nil, nil, nil])
            // another organization's mail from the same domain is not signed with Acme's key
            let other = try await TestData.administrator(app, email: "b@example.org", password: "Correct-Horse-42", organization: "Beta")
            let foreign = try await app.herald.mailer.outbox.enqueue([OutgoingMail(organizationID: try other.organization.requireID(), message: try Self.message(3, prefix: "beta"))], on: app.db)
            #expect(!String(decoding: OutboxReader.raw(foreign[0]), as: UTF8.self).contains("DKIM-Signature"))
        }
    }

    @Test("the console shows the record to publish and checks DNS: matches, missing, another key, and DNS unreachable")
    func consoleDNSCheck() async throws {
        // RSA: its record is longer than one TXT string, so the loopback server splits it as a real zone would.
        let closed = try ClosedPort.find()
        var dns: LoopbackDNS?
        defer { dns?.stop() }
        try await withHerald({ $0.dnsServer = DNSServerAddress(ipv4: "127.0.0.1", port: closed) }) { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let created = try await browser.post("/console/mail/dkim", form: ["domain": "example.com", "algorithm": "rsa-sha256"], csrfFrom: "/console/mail/dkim")
            #expect(created.status == .seeOther)
            let key = try #require(try await DKIMKey.query(on: app.db).first())
            let page = try await browser.get("/console/mail/dkim").body.string
            #expect(page.contains("herald1._domainkey.example.com"))
            #expect(page.contains(key.dnsRecord))
            #expect(page.contains("IN TXT ( &quot;"))

            let id = try key.requireID().uuidString
            let unreachable = try await browser.post("/console/mail/dkim/\(id)/check", form: [:], csrfFrom: "/console/mail/dkim").body.string
            #expect(unreachable.contains("DNS is unreachable"))

            let otherKey = try DKIMPrivateKey.generate(.rsaSHA256)
            dns = try LoopbackDNS(records: ["herald1._domainkey.example.com": key.dnsRecord, "herald2._domainkey.example.com": otherKey.dnsRecord])
            let server = DNSServerAddress(ipv4: "127.0.0.1", port: dns!.port)
            #expect(try await DKIMDNSCheck.check(key, server: server).outcome == .matches)
            key.selector = "herald2"
            #expect(try await DKIMDNSCheck.check(key, server: server).outcome == .differs)
            key.selector = "herald3"
            #expect(try await DKIMDNSCheck.check(key, server: server).outcome == .missing)
        }
    }
}

import Crypto
import DKIM
import Foundation
import MIME
import MailTestSupport
import Testing

@Suite struct SignerTests {
    /// RFC 8463 appendix A's key and message.
    static let rfcSeed = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="
    static let rfcPublicKey = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    static let rfcMessage = Array((
        "From: Joe SixPack <joe@football.example.com>\r\n"
        + "To: Suzie Q <suzie@shopping.example.net>\r\n"
        + "Subject: Is dinner ready?\r\n"
        + "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
        + "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
        + "\r\n"
        + "Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n").utf8)

    static func rfcKey() throws -> DKIMPrivateKey {
        try DKIMPrivateKey(algorithm: .ed25519SHA256, storedRepresentation: try #require(Data(base64Encoded: rfcSeed)))
    }

    /// The RFC's own signature checks out under our canonicalisation and our reading of RFC 8463 3 (Ed25519 signs
    /// the SHA-256 of the canonical headers): the bytes we would sign are the bytes its author signed.
    @Test func rfc8463SignatureVerifiesUnderOurCanonicalization() throws {
        let signatureValue = " v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n d=football.example.com; i=@football.example.com;\r\n"
            + " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n subject : date : message-id : from : subject : date;\r\n"
            + " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n b="
        let b = "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw=="
        let parts = try #require(DKIMMessageParts(Self.rfcMessage))
        let body = DKIMCanonicalization.relaxedBody(Self.rfcMessage[parts.bodyStart...])
        #expect(Data(SHA256.hash(data: body)).base64EncodedString() == "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=")
        var input: [UInt8] = []
        // h= from to subject date message-id, then from, subject, date again: present once, so nothing more.
        for name in ["from", "to", "subject", "date", "message-id"] {
            let field = try #require(parts.fields.first { $0.lowercasedName == name })
            input += DKIMCanonicalization.relaxedHeader(name: field.name, value: field.value)
        }
        input += DKIMCanonicalization.relaxedHeader(name: Array("DKIM-Signature".utf8), value: Array(signatureValue.utf8), withCRLF: false)
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Data(base64Encoded: Self.rfcPublicKey)))
        #expect(key.isValidSignature(try #require(Data(base64Encoded: b)), for: Data(SHA256.hash(data: input))))
        #expect(try Self.rfcKey().publicKeyBase64 == Self.rfcPublicKey)
    }

    @Test func signedRFCMessageVerifiesWithDkimpy() throws {
        let signer = try DKIMSigner(domain: "football.example.com", selector: "brisbane", key: Self.rfcKey())
        let signed = try signer.sign(Self.rfcMessage, at: Date(timeIntervalSince1970: 1_528_637_909))
        let records = ["brisbane._domainkey.football.example.com": try Self.rfcKey().dnsRecord]
        #expect(try DKIMReferee.failures(of: [signed], records: records) == [nil])
    }

    /// Herald's own renderer's output, both algorithms, through dkimpy: ASCII and non-ASCII subjects and names
    /// (encoded words), headers long enough to fold, a multipart body, and lines starting with a dot.
    @Test(arguments: DKIMAlgorithm.allCases)
    func renderedMessagesVerifyAndTamperedOnesFail(algorithm: DKIMAlgorithm) throws {
        let key = try DKIMPrivateKey.generate(algorithm)
        let signer = try DKIMSigner(domain: "Example.COM", selector: "herald1", key: key)
        let renderer = MessageRenderer(messageIDDomain: "example.com")
        let longName = String(repeating: "Ääkkönen-Øster ", count: 6)
        let messages: [MailMessage] = [
            MailMessage(from: try Mailbox("it@example.com", displayName: "IT"), to: [try Mailbox("ann@example.org", displayName: "Ann O'Neil, Jr.")],
                        subject: "Welcome", textBody: "Hello\n.\n..dots\n. leading\nend"),
            MailMessage(from: try Mailbox("it@example.com", displayName: "Groupe IT"), to: [Mailbox(address: try EmailAddress("zoë@example.org"), displayName: longName)],
                        replyTo: try Mailbox("help@example.com"),
                        subject: "Invitation à rejoindre « Société Générale » — 参加してください " + String(repeating: "word ", count: 20),
                        textBody: "Bonjour\r\n.\r\nTrailing spaces   \r\n\r\n\r\n", htmlBody: "<p>Bonjour</p>\n.<p>x</p>",
                        extraHeaders: [(name: "List-Unsubscribe", value: "<mailto:u@example.com>"), (name: "X-Herald-Batch", value: "b1")]),
        ]
        let records = ["herald1._domainkey.example.com": key.dnsRecord]
        var signed: [[UInt8]] = []
        for message in messages {
            signed.append(try signer.sign(try renderer.render(message)))
        }
        #expect(try DKIMReferee.failures(of: signed, records: records) == signed.map { _ in nil })

        for line in String(decoding: signed[1], as: UTF8.self).split(separator: "\r\n") {
            #expect(line.utf8.count <= 78 || !line.hasPrefix(" ") && !line.hasPrefix("DKIM"), "folded DKIM line too long: \(line)")
        }

        // Tampering: a changed body, a changed subject, an added From, a different key published.
        var body = signed[0]
        body[body.count - 3] ^= 0x01
        let subject = Array(String(decoding: signed[0], as: UTF8.self).replacingOccurrences(of: "Subject: Welcome", with: "Subject: Welcome!").utf8)
        let extraFrom = Array("From: evil@example.net\r\n".utf8) + signed[0]
        let otherKey = try DKIMPrivateKey.generate(algorithm)
        let tampered = try DKIMReferee.failures(of: [body, subject, extraFrom], records: records)
        #expect(tampered.allSatisfy { $0 != nil })
        let wrongKey = try DKIMReferee.failures(of: [signed[0]], records: ["herald1._domainkey.example.com": otherKey.dnsRecord])
        #expect(wrongKey.allSatisfy { $0 != nil })
    }

    @Test func signatureFieldIsFoldedAndOversignsFrom() throws {
        let key = try DKIMPrivateKey.generate(.rsaSHA256)
        let signer = try DKIMSigner(domain: "example.com", selector: "s1", key: key)
        let field = String(decoding: try signer.signatureField(for: Self.rfcMessage), as: UTF8.self)
        #expect(field.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=s1;"))
        #expect(field.hasSuffix("\r\n"))
        for line in field.split(separator: "\r\n") { #expect(line.utf8.count <= 78) }
        let unfolded = field.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("h=from:from:reply-to:to:to:subject:subject:date:date:message-id:message-id;"))
    }

    @Test func invalidNamesAndMessagesAreRefused() throws {
        let key = try Self.rfcKey()
        #expect(throws: DKIMSigner.SignerError.invalidDomain) { try DKIMSigner(domain: "exa mple.com", selector: "s", key: key) }
        #expect(throws: DKIMSigner.SignerError.invalidDomain) { try DKIMSigner(domain: "bücher.example", selector: "s", key: key) }
        #expect(throws: DKIMSigner.SignerError.invalidSelector) { try DKIMSigner(domain: "example.com", selector: "s;x", key: key) }
        let signer = try DKIMSigner(domain: "example.com", selector: "s", key: key)
        #expect(throws: DKIMSigner.SignerError.noFromField) { try signer.sign(Array("To: a@b.c\r\n\r\nx".utf8)) }
        #expect(throws: DKIMSigner.SignerError.noHeaderSection) { try signer.sign(Array("From: a@b.c".utf8)) }
        #expect(throws: DKIMKeyError.unreadablePrivateKey) { try DKIMPrivateKey(algorithm: .rsaSHA256, storedRepresentation: Data([1, 2, 3])) }
    }
}

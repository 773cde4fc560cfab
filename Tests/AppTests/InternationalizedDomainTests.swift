@testable import App
import DKIM
import Foundation
import HeraldCore
import MailTestSupport
import MIME
import Testing
import Vapor

/// Internationalized sending domains (#18): a key for `bücher.example` is stored and signs as its A-labels
/// (`d=xn--bcher-kva.example`, RFC 6376 3.5), checked against Python's `idna` (PyPI) and the punycode codec of its
/// standard library, and the signed message verified by dkimpy against the record at the A-label name.
@Suite("Internationalized sending domains")
struct InternationalizedDomainTests {
    static let names = ["bücher.example", "Bücher.Example", "münchen.de", "例え.テスト", "пример.рф", "straße.de",
                        "n\u{303}andu\u{301}.example", "mail.bücher.example", "日本語。jp", "άλφα.example", "example.com"]

    @Test("A-labels as Python's idna (UTS #46, non-transitional) computes them; names no label can hold are refused")
    func aLabelsMatchPythonIDNA() throws {
        let expected = try PythonReferee.run("""
            import sys, idna
            for name in sys.stdin.read().split('\\n'):
                print(idna.encode(name, uts46=True).decode())
            """, arguments: [], stdin: Data(Self.names.joined(separator: "\n").utf8)).split(separator: "\n").map(String.init)
        #expect(Self.names.map { DomainName.ascii($0) } == expected)
        #expect(DomainName.ascii("bücher.example") == "xn--bcher-kva.example")
        for refused in ["☃.example", "bad name.example", "a..example", "bücher.", "", String(repeating: "ü", count: 60) + ".example"] {
            #expect(DomainName.ascii(refused) == nil, "\(refused)")
        }
    }

    @Test("Punycode as RFC 3492's samples and Python's punycode codec encode them")
    func punycodeMatchesTheRFC() throws {
        let samples: [(String, String)] = [
            ("\u{644}\u{64A}\u{647}\u{645}\u{627}\u{628}\u{62A}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64A}\u{61F}", "egbpdaj6bu4bxfgehfvwxn"),
            ("\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}", "ihqwcrb4cv8a8dqg056pqjye"),
            ("3\u{5E74}B\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}", "3B-ww4c5e180e575a65lsy2b"),
            ("-> $1.00 <-", "-> $1.00 <--"),
        ]
        for (input, rfc) in samples {
            #expect(Punycode.encode(Array(input.unicodeScalars)) == rfc)
        }
        let words = ["bücher", "Ünïcödé-wörds", "ελληνικά", "中文域名", "a\u{1F600}b"]
        let python = try PythonReferee.run("""
            import sys
            for word in sys.stdin.read().split('\\n'):
                print(word.encode('punycode').decode())
            """, arguments: [], stdin: Data(words.joined(separator: "\n").utf8)).split(separator: "\n").map(String.init)
        #expect(words.map { Punycode.encode(Array($0.unicodeScalars)) } == python)
    }

    @Test("a key generated for bücher.example signs mail from it@bücher.example with d=xn--bcher-kva.example, and dkimpy verifies it",
          arguments: DKIMAlgorithm.allCases)
    func internationalizedDomainSigns(algorithm: DKIMAlgorithm) async throws {
        try await withHerald { app in
            let fixture = try await DKIMKeyTests.Fixture(app)
            let key = try await fixture.key(#"{"domain":"Bücher.example","algorithm":"\#(algorithm.rawValue)"}"#)
            #expect(key.domain == "xn--bcher-kva.example" && key.dnsName == "herald1._domainkey.xn--bcher-kva.example")
            #expect(try await fixture.post("/dkim-keys/\(key.id)/activate").status == .ok)
            let message = MailMessage(
                from: Mailbox(address: try EmailAddress("herald@bücher.example"), displayName: "Bücherei"),
                to: [Mailbox(address: try EmailAddress("reader@example.com"), displayName: "Zoë")],
                subject: "Willkommen in der Bücherei", textBody: "Hallo,\n.\nbis bald\n", htmlBody: nil)
            let queued = try await app.herald.mailer.outbox.enqueue([OutgoingMail(organizationID: fixture.organizationID, message: message)], on: app.db)
            let raw = OutboxReader.raw(try #require(queued.first))
            let text = String(decoding: raw, as: UTF8.self)
            #expect(text.hasPrefix("DKIM-Signature: v=1; a=\(algorithm.rawValue);"), "\(text.prefix(300))")
            #expect(text.contains("d=xn--bcher-kva.example;"))
            let verdicts = try DKIMReferee.failures(of: [raw], records: [key.dnsName: key.record])
            #expect(verdicts == [nil], "\(verdicts)")
            let refused = try await fixture.post("/dkim-keys", #"{"domain":"☃.example"}"#)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("domain: must be a DNS domain"))
        }
    }
}

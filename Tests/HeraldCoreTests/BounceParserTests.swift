import Foundation
import HeraldCore
import TestProcesses
import Testing

/// The bounce corpus (Fixtures/Bounces: Postfix, Exchange Online, Gmail, Sendmail, qmail, Exim, and an auto-reply
/// that is no bounce), read by Herald's parser and checked against expected.json and against flufl.bounce.
@Suite struct BounceParserTests {
    struct Expected: Decodable {
        let hard: [String]
        let soft: [String]
        let status: String?
        let messageID: String?
        let reason: String?
    }

    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/Bounces")

    static func files() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "eml" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    static func parse(_ file: URL) throws -> BounceReport? {
        BounceParser.parse(Array(try Data(contentsOf: file)))
    }

    static func addresses(_ report: BounceReport?, _ kind: BounceKind) -> [String] {
        (report?.recipients ?? []).filter { $0.kind == kind }.compactMap(\.address).sorted()
    }

    @Test func corpusReadsAsExpected() throws {
        let expected = try JSONDecoder().decode([String: Expected].self, from: Data(contentsOf: Self.corpus.appendingPathComponent("expected.json")))
        let files = try Self.files()
        #expect(files.count >= 9)
        #expect(Set(files.map(\.lastPathComponent)) == Set(expected.keys))
        for file in files {
            let name = file.lastPathComponent
            let want = try #require(expected[name])
            let report = try Self.parse(file)
            // The same report with CRLF line ends, as it comes off the wire, reads the same.
            let crlf = String(decoding: try Data(contentsOf: file), as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n")
            #expect(BounceParser.parse(Array(crlf.utf8)) == report, "\(name) with CRLF")
            #expect(Self.addresses(report, .hard) == want.hard.sorted(), "\(name)")
            #expect(Self.addresses(report, .soft) == want.soft.sorted(), "\(name)")
            #expect(report?.recipients.first?.status == want.status, "\(name)")
            #expect(report?.originalMessageID == want.messageID, "\(name)")
            if let reason = want.reason {
                let got = report?.recipients.first?.reason ?? ""
                #expect(got.hasPrefix(reason), "\(name): \(got)")
            }
        }
    }

    /// flufl.bounce (GNU Mailman's bounce detectors) names the same addresses, hard and soft, for every file.
    @Test func fluflBounceAgrees() throws {
        let files = try Self.files()
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.corpus.appendingPathComponent("referee.py").path] + files.map(\.path)
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "referee.py: \(errorText) (is flufl.bounce installed? scripts/install-test-deps)")
        let referee = try JSONDecoder().decode([String: [String: [String]]].self, from: data)
        #expect(referee.count == files.count)
        for file in files {
            let name = file.lastPathComponent
            let report = try Self.parse(file)
            #expect(Self.addresses(report, .hard) == referee[name]?["hard"], "\(name): flufl.bounce says \(referee[name] ?? [:])")
            #expect(Self.addresses(report, .soft) == referee[name]?["soft"], "\(name): flufl.bounce says \(referee[name] ?? [:])")
        }
    }

    @Test func reportAddressesCarryTheVERPSender() throws {
        let report = try #require(try Self.parse(Self.corpus.appendingPathComponent("postfix-unknown-user.eml")))
        #expect(report.reportAddresses.contains("bounces+0190f3a2c4d87e10b2a3c4d5e6f70812aa11bb22cc33dd44ee55@bounces.example.com"))
        #expect(report.format == "rfc3464")
        #expect(report.reportingMTA == "mx.example.net")
        let qmail = try #require(try Self.parse(Self.corpus.appendingPathComponent("qmail.eml")))
        #expect(qmail.format == "qmail")
    }

    /// Hostile or broken input never traps and never invents a bounce.
    @Test func brokenReportsAreNotBounces() {
        let cases: [String] = [
            "",
            "\r\n\r\n",
            "Content-Type: multipart/report; boundary=\"x\"\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; a\r\n",
            "Content-Type: multipart/report; boundary=x\n\n--x\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; a\n\nAction: failed\nStatus: 9.9.9\n--x--\n",
            "Content-Type: multipart/report\n\nno boundary at all",
            String(repeating: "Content-Type: multipart/mixed; boundary=a\n\n--a\n", count: 50),
            "Hi. This is the qmail-send program at x.\n<not an address>:\nSorry.\n",
        ]
        for text in cases { #expect(BounceParser.parse(Array(text.utf8)) == nil, "\(text.prefix(60))") }
        // Bytes that are not UTF-8 are read as Latin-1, not refused.
        var bytes = Array("Content-Type: multipart/report; boundary=b\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; a\n\nFinal-Recipient: rfc822; x@example.com\nAction: failed\nStatus: 5.0.0\nDiagnostic-Code: smtp; 550 ".utf8)
        bytes += [0xFF, 0xFE, 0x0A] + Array("--b--\n".utf8)
        #expect(BounceParser.parse(bytes)?.recipients.first?.finalRecipient == "x@example.com")
    }

    @Test func statusCodesAreRangeChecked() {
        #expect(StatusCode.isValid("5.1.1"))
        #expect(StatusCode.isValid("4.4.7"))
        #expect(StatusCode.isValid("5.1.10"))
        #expect(!StatusCode.isValid("6.1.1"))
        #expect(!StatusCode.isValid("5.1"))
        #expect(!StatusCode.isValid("5.1.1000"))
        #expect(!StatusCode.isValid("5.１.1"))
    }
}

@Suite struct VERPAddressTests {
    let verp = VERPAddress(serverSecret: String(repeating: "s", count: 40))

    @Test func addressNamesItsMessage() {
        let id = UUID()
        let address = verp.address(for: id, domain: "bounces.example.com")
        #expect(address.hasPrefix("bounces+"))
        #expect(address.split(separator: "@")[0].count <= 64)
        #expect(verp.messageID(in: address) == id)
        // Mail servers may change the case of the local part.
        #expect(verp.messageID(in: address.uppercased()) == id)
    }

    @Test func forgedTokensNameNothing() {
        let id = UUID()
        let address = verp.address(for: id, domain: "b.example")
        var token = Array(address.split(separator: "@")[0].dropFirst("bounces+".count))
        token[40] = token[40] == "0" ? "1" : "0"
        #expect(verp.messageID(in: "bounces+\(String(token))@b.example") == nil)
        // Another server secret, another key.
        #expect(VERPAddress(serverSecret: String(repeating: "t", count: 40)).messageID(in: address) == nil)
        // The id alone, without its HMAC.
        #expect(verp.messageID(in: "bounces+\(String(token.prefix(32)))@b.example") == nil)
        #expect(verp.messageID(in: "bounces@b.example") == nil)
        #expect(verp.messageID(in: "someone+\(String(token))@b.example") == nil)
        #expect(verp.messageID(in: "no-at-sign") == nil)
    }
}

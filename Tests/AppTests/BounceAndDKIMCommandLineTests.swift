import Foundation
import LiveServerSupport
import Testing

/// `herald bounces ...` and `herald dkim ...` end to end, through the binary, against the test Dovecot and a
/// loopback DNS server.
@Suite("herald bounces and dkim command line", .serialized)
struct BounceAndDKIMCommandLineTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bounces-cli-\(UUID().uuidString)").path

    var environment: [String: String] {
        ["HERALD_DATA_DIR": folder, "HERALD_SECRET_KEY": String(repeating: "b", count: 40), "HERALD_PUBLIC_URL": "http://127.0.0.1:1"]
    }

    func herald(_ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:]) throws -> HeraldProcess.Output {
        try HeraldProcess.run(arguments, environment: environment.merging(extra) { $1 }, stdin: stdin)
    }

    func createAdministrator() throws {
        let created = try herald(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], stdin: "Correct-Horse-42\n")
        #expect(created.status == 0, "\(created.stderr)")
    }

    @Test("bounces: show, a bad set naming each option, a loopback mailbox refused by default and allowed by the operator, show without the password, poll")
    func bounceMailbox() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // given
        let pop3 = try POP3LiveServer.fromEnvironment()
        try createAdministrator()
        let org = ["--organization", "Acme"]
        let caFile = folder + "/ca.pem"
        try pop3.caCertificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
        let server = "127.0.0.1:\(pop3.tlsPort)"
        let mailbox = org + ["--bounce-domain", "bounces.example.com", "--server", server, "--username", POP3LiveServer.newUser("herald-cli"),
                             "--password-stdin", "--ca-file", caFile]
        let allowed = ["HERALD_POP3_ALLOWED_HOSTS": "127.0.0.1"]
        // when
        let empty = try herald(["bounces", "show"] + org)
        let bad = try herald(["bounces", "set"] + org + ["--bounce-domain", "not a domain", "--server", "pop.example.com:995", "--tls", "ssl",
                                                         "--poll-interval-seconds", "5"])
        let refused = try herald(["bounces", "set"] + mailbox, stdin: pop3.password + "\n")
        let saved = try herald(["bounces", "set"] + mailbox, stdin: pop3.password + "\n", environment: allowed)
        let shown = try herald(["bounces", "show"] + org)
        let polled = try herald(["bounces", "poll"] + org, environment: allowed)
        let pollRefused = try herald(["bounces", "poll"] + org)
        // then
        #expect(empty.status == 0 && empty.stdout.contains("mailbox\tnone (no polling)"), "\(empty.stdout) \(empty.stderr)")
        #expect(bad.status != 0)
        for option in ["--bounce-domain: ", "--tls: ", "--username: ", "--password-stdin: ", "--poll-interval-seconds: "] {
            #expect(bad.stderr.contains(option), "\(option) \(bad.stderr)")
        }
        #expect(refused.status != 0 && refused.stderr.contains("--server: \(server) is not allowed on this Herald (its operator allows *:110, *:995)"),
                "\(refused.stderr)")
        #expect(saved.status == 0 && saved.stdout.contains("Bounce settings of 'Acme' saved."), "\(saved.stderr)")
        #expect(shown.stdout.contains("bounce domain\tbounces.example.com") && shown.stdout.contains("mailbox\t\(server) (tls)"), "\(shown.stdout)")
        #expect(shown.stdout.contains("password\tstored") && !shown.stdout.contains(pop3.password))
        #expect(polled.status == 0 && polled.stdout.contains("0 bounces recorded"), "\(polled.stdout) \(polled.stderr)")
        #expect(pollRefused.status != 0 && pollRefused.stderr.contains("failed: server: \(server) is not allowed on this Herald"), "\(pollRefused.stderr)")
    }

    @Test("dkim: generate refuses bad input naming the option; list shows the record; rotate waits for DNS (unreachable: exit 2, missing: exit 1); check; a second rotation retires the first key")
    func dkimKeys() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // given
        try createAdministrator()
        let org = ["--organization", "Acme"]
        let closed = ["HERALD_DNS_SERVER": "127.0.0.1:\(try ClosedPort.find())"]
        // when
        let badDomain = try herald(["dkim", "generate"] + org + ["--domain", "not a domain"])
        let badAlgorithm = try herald(["dkim", "generate"] + org + ["--domain", "example.com", "--algorithm", "dsa"])
        let first = try herald(["dkim", "generate"] + org + ["--domain", "Example.com", "--algorithm", "ed25519"])
        let firstRow = first.stdout.split(separator: "\n").first.map(String.init) ?? ""
        let record = firstRow.split(separator: "\t").last.map(String.init) ?? ""
        let listed = try herald(["dkim", "list"] + org)
        let unreachable = try herald(["dkim", "rotate"] + org + ["--domain", "example.com"], environment: closed)
        let dns = try LoopbackDNS(records: ["herald1._domainkey.example.com": record])
        defer { dns.stop() }
        let published = ["HERALD_DNS_SERVER": "127.0.0.1:\(dns.port)"]
        let checked = try herald(["dkim", "check"] + org + ["--domain", "example.com"], environment: published)
        let rotated = try herald(["dkim", "rotate"] + org + ["--domain", "example.com"], environment: published)
        let second = try herald(["dkim", "generate"] + org + ["--domain", "example.com", "--algorithm", "rsa"])
        let notPublished = try herald(["dkim", "rotate"] + org + ["--domain", "example.com"], environment: published)
        let checkedBoth = try herald(["dkim", "check"] + org, environment: published)
        let forced = try herald(["dkim", "rotate"] + org + ["--domain", "example.com", "--skip-dns-check"])
        let listedAfter = try herald(["dkim", "list"] + org + ["--domain", "example.com"])
        // then
        #expect(badDomain.status != 0 && badDomain.stderr.contains("--domain: must be a DNS domain"), "\(badDomain.stderr)")
        #expect(badAlgorithm.status != 0 && badAlgorithm.stderr.contains("--algorithm: must be rsa-sha256 or ed25519-sha256"), "\(badAlgorithm.stderr)")
        #expect(first.status == 0 && firstRow.hasPrefix("example.com\therald1\ted25519-sha256\tpending\therald1._domainkey.example.com\tv=DKIM1; k=ed25519; p="),
                "\(first.stdout) \(first.stderr)")
        #expect(first.stdout.contains("herald1._domainkey.example.com. IN TXT ( \"v=DKIM1; k=ed25519; p="))
        #expect(listed.stdout.contains(firstRow), "\(listed.stdout)")
        #expect(unreachable.status == 2 && unreachable.stderr.contains("DNS is unreachable"), "\(unreachable.status) \(unreachable.stderr)")
        #expect(checked.status == 0 && checked.stdout.contains("herald1._domainkey.example.com\tpending\tmatches"), "\(checked.stdout) \(checked.stderr)")
        #expect(rotated.status == 0 && rotated.stdout.contains("herald1._domainkey.example.com now signs every message from example.com."), "\(rotated.stdout) \(rotated.stderr)")
        #expect(second.status == 0 && second.stdout.hasPrefix("example.com\therald2\trsa-sha256\tpending\t"), "\(second.stdout) \(second.stderr)")
        #expect(notPublished.status == 1 && notPublished.stderr.contains("No TXT record is published at herald2._domainkey.example.com"), "\(notPublished.stderr)")
        #expect(checkedBoth.status == 1 && checkedBoth.stdout.contains("herald1._domainkey.example.com\tactive\tmatches")
                    && checkedBoth.stdout.contains("herald2._domainkey.example.com\tpending\tmissing"), "\(checkedBoth.stdout)")
        #expect(forced.status == 0 && forced.stdout.contains("herald1._domainkey.example.com retired"), "\(forced.stdout) \(forced.stderr)")
        #expect(listedAfter.stdout.contains("example.com\therald1\ted25519-sha256\tretired") && listedAfter.stdout.contains("example.com\therald2\trsa-sha256\tactive"),
                "\(listedAfter.stdout)")
    }
}

import HeraldCore
import Testing

@Suite("Which SMTP servers organizations may use")
struct SMTPServerPolicyTests {
    @Test("the default allows any host on the mail ports and nothing else")
    func standardPolicy() {
        let policy = SMTPServerPolicy.standard
        for port in [25, 465, 587, 2525] { #expect(policy.allows(host: "smtp.example.com", port: port)) }
        for port in [22, 80, 5432, 6379, 8080] { #expect(!policy.allows(host: "10.0.0.5", port: port)) }
        #expect(policy.description == "*:25, *:465, *:587, *:2525")
    }

    @Test("an operator's list: exact hosts, domains with their subdomains, IP literals, ports")
    func parsedList() throws {
        let policy = try SMTPServerPolicy.parse(" smtp.example.com:587, *.relay.example , [::1]:2525, 10.0.0.5 ").get()
        #expect(policy.allows(host: "SMTP.example.com", port: 587))
        #expect(!policy.allows(host: "smtp.example.com", port: 25))
        #expect(policy.allows(host: "relay.example", port: 25))
        #expect(policy.allows(host: "eu.relay.example.", port: 465))
        #expect(!policy.allows(host: "evilrelay.example", port: 25))
        #expect(policy.allows(host: "::1", port: 2525))
        #expect(policy.allows(host: "10.0.0.5", port: 22))
        #expect(!policy.allows(host: "10.0.0.6", port: 25))
        #expect(policy.description == "smtp.example.com:587, *.relay.example, [::1]:2525, 10.0.0.5")
    }

    @Test("* allows everything")
    func anyServer() throws {
        #expect(try SMTPServerPolicy.parse("*").get().allows(host: "127.0.0.1", port: 6379))
    }

    @Test("bad entries are refused, naming the variable", arguments: ["smtp.example.com:0", "smtp.example.com:http", "a*b.example", "*example.com", " , ", "smtp.example.com/x"])
    func badEntries(text: String) {
        guard case .failure(let problem) = SMTPServerPolicy.parse(text) else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(problem.field == "HERALD_SMTP_ALLOWED_HOSTS")
    }
}

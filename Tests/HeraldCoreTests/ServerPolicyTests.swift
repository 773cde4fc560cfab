import HeraldCore
import Testing

@Suite("Which SMTP and LDAP servers organizations may use")
struct ServerPolicyTests {
    @Test("the default allows any host on the mail ports and nothing else")
    func standardPolicy() {
        let policy = ServerPolicy.smtpStandard
        for port in [25, 465, 587, 2525] { #expect(policy.allows(host: "smtp.example.com", port: port)) }
        for port in [22, 80, 5432, 6379, 8080] { #expect(!policy.allows(host: "10.0.0.5", port: port)) }
        #expect(policy.description == "*:25, *:465, *:587, *:2525")
    }

    @Test("the LDAP default allows any host on the directory ports, global catalog included, and nothing else")
    func ldapStandardPolicy() {
        let policy = ServerPolicy.ldapStandard
        for port in [389, 636, 3268, 3269] { #expect(policy.allows(host: "dc1.corp.example", port: port)) }
        for port in [25, 22, 5432, 8080, 6379] { #expect(!policy.allows(host: "10.0.0.5", port: port)) }
        #expect(policy.description == "*:389, *:636, *:3268, *:3269")
    }

    @Test("an operator's list: exact hosts, domains with their subdomains, IP literals, ports")
    func parsedList() throws {
        let policy = try ServerPolicy.parse(" smtp.example.com:587, *.relay.example , [::1]:2525, 10.0.0.5 ", variable: "HERALD_SMTP_ALLOWED_HOSTS").get()
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
        #expect(try ServerPolicy.parse("*", variable: "HERALD_SMTP_ALLOWED_HOSTS").get().allows(host: "127.0.0.1", port: 6379))
    }

    @Test("bad entries are refused, naming the variable", arguments: ["smtp.example.com:0", "smtp.example.com:http", "a*b.example", "*example.com", " , ", "smtp.example.com/x"])
    func badEntries(text: String) {
        guard case .failure(let problem) = ServerPolicy.parse(text, variable: "HERALD_SMTP_ALLOWED_HOSTS") else {
            Issue.record("'\(text)' was accepted")
            return
        }
        #expect(problem.field == "HERALD_SMTP_ALLOWED_HOSTS")
        guard case .failure(let ldap) = ServerPolicy.parse(text, variable: "HERALD_LDAP_ALLOWED_HOSTS") else { return }
        #expect(ldap.field == "HERALD_LDAP_ALLOWED_HOSTS")
    }
}

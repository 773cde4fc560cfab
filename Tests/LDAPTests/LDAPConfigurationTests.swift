import Testing

@testable import LDAP

@Suite struct LDAPConfigurationTests {
    @Test func urlsGiveHostPortAndSecurity() throws {
        let plain = try LDAPConfiguration(url: "ldap://dc1.example.com")
        #expect((plain.host, plain.port, plain.security) == ("dc1.example.com", 389, .startTLS))
        let secure = try LDAPConfiguration(url: "LDAPS://dc1.example.com/")
        #expect((secure.host, secure.port, secure.security) == ("dc1.example.com", 636, .ldaps))
        let custom = try LDAPConfiguration(url: "ldap://127.0.0.1:10389")
        #expect((custom.host, custom.port) == ("127.0.0.1", 10389))
        let ipv6 = try LDAPConfiguration(url: "ldaps://[::1]:3269")
        #expect((ipv6.host, ipv6.port) == ("::1", 3269))
    }

    @Test(arguments: [
        "", "dc1.example.com", "http://dc1", "ldap://", "ldap://:389", "ldap://dc1:0", "ldap://dc1:65536", "ldap://dc1:x",
        "ldap://dc1/dc=example,dc=com", "ldap://dc1?cn", "ldap://dc 1", "ldaps://[::1", "ldaps://[::1]x", "ldap://dc1\r\n",
        "ldap://" + String(repeating: "a", count: 400),
    ])
    func invalidURLsNameTheProblem(url: String) {
        let error = #expect(throws: LDAPError.self) { try LDAPConfiguration(url: url) }
        #expect(error?.kind == .invalidConfiguration)
        #expect(error?.explanation.hasPrefix("The LDAP settings cannot be used: the URL") == true)
    }

    @Test func aCACertificateThatIsNotPEMIsRefused() {
        let configuration = LDAPConfiguration(host: "dc1", port: 636, security: .ldaps, caCertificatePEM: "not a certificate")
        let error = #expect(throws: LDAPError.self) { try LDAPTLS(configuration: configuration) }
        #expect(error?.message == "the CA certificate is not a PEM certificate")
    }

    @Test func searchRequestsAreCheckedBeforeSending() {
        #expect(throws: LDAPError.self) { try LDAPSearchRequest(baseDN: "dc=x", pageSize: 0).parameters() }
        #expect(throws: LDAPError.self) { try LDAPSearchRequest(baseDN: "dc=x", pageSize: 100_001).parameters() }
        #expect(throws: LDAPError.self) { try LDAPSearchRequest(baseDN: "dc=x", timeLimit: -1).parameters() }
        let error = #expect(throws: LDAPError.self) { try LDAPSearchRequest(baseDN: "dc=x", filter: "cn=x").parameters() }
        #expect(error?.kind == .invalidFilter)
    }

    @Test func everyErrorHasOneSentenceAndServerTextIsCleaned() {
        for kind in LDAPError.Kind.allCases {
            let explanation = LDAPError(kind, message: "detail").explanation
            #expect(explanation.hasSuffix(".") && !explanation.contains("\n"), "\(kind): \(explanation)")
        }
        let error = LDAPError(.bindFailed, resultCode: .unwillingToPerform, diagnosticMessage: "line\r\nbreak\u{1b}[31m" + String(repeating: "x", count: 400))
        #expect(error.diagnosticMessage?.contains("\n") == false)
        #expect(error.diagnosticMessage?.contains("\u{1b}") == false)
        #expect(error.diagnosticMessage.map { $0.count <= 301 } == true)
        #expect(error.explanation.hasPrefix("The server refused the bind (result 53 (unwillingToPerform))."))
    }
}

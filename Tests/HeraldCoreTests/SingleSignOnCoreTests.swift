import HeraldCore
import Testing

@Suite struct PKCETests {
    @Test func theChallengeIsRFC7636sExample() {
        // RFC 7636 Appendix B.
        let pkce = PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(pkce.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE.method == "S256")
    }

    @Test func aNewVerifierIsLongEnoughAndNeverRepeats() {
        let verifiers = (0..<100).map { _ in PKCE().verifier }
        #expect(Set(verifiers).count == 100)
        // RFC 7636 4.1: 43 to 128 characters of the unreserved set.
        #expect(verifiers.allSatisfy { $0.count >= 43 && $0.count <= 128 && $0.allSatisfy { $0.isLetter || $0.isNumber || "-._~".contains($0) } })
    }
}

@Suite struct EmailDomainListTests {
    @Test func domainsAreLowerCasedDeduplicatedAndMatchedExactly() throws {
        let list = try EmailDomainList(parsing: " Example.com, example.org\nEXAMPLE.com @example.net ")
        #expect(list.domains == ["example.com", "example.org", "example.net"])
        #expect(list.text == "example.com, example.org, example.net")
        #expect(list.allows(email: "Ada@EXAMPLE.com"))
        #expect(!list.allows(email: "ada@mail.example.com"))
        #expect(!list.allows(email: "ada@example.com.evil.test"))
        #expect(!list.allows(email: "no-at-sign"))
        #expect(try EmailDomainList(parsing: "").domains.isEmpty)
    }

    @Test(arguments: ["localhost", "exa mple.com", "-bad.com", "bad-.com", "ünïcode.com", "a..com", "<script>.com"])
    func whatIsNotADomainIsRefused(text: String) {
        #expect(throws: EmailDomainList.Problem.self) { try EmailDomainList(parsing: text) }
    }

    @Test func thereIsALimit() {
        let many = (0...EmailDomainList.maximumCount).map { "d\($0).example.com" }.joined(separator: ",")
        #expect(throws: EmailDomainList.Problem.tooMany(EmailDomainList.maximumCount)) { try EmailDomainList(parsing: many) }
    }
}

import Testing

@testable import LDAP

@Suite struct LDAPFilterParserTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func simpleItemsOfEachKind() throws {
        #expect(try LDAPFilter(parsing: "(cn=Babs Jensen)") == .equalityMatch(attribute: "cn", value: bytes("Babs Jensen")))
        #expect(try LDAPFilter(parsing: "(cn~=Babs)") == .approxMatch(attribute: "cn", value: bytes("Babs")))
        #expect(try LDAPFilter(parsing: "(uidNumber>=1000)") == .greaterOrEqual(attribute: "uidNumber", value: bytes("1000")))
        #expect(try LDAPFilter(parsing: "(uidNumber<=9)") == .lessOrEqual(attribute: "uidNumber", value: bytes("9")))
        #expect(try LDAPFilter(parsing: "(objectClass=*)") == .present(attribute: "objectClass"))
        #expect(try LDAPFilter(parsing: "(cn=)") == .equalityMatch(attribute: "cn", value: []))
        #expect(try LDAPFilter(parsing: "(userCertificate;binary=x)") == .equalityMatch(attribute: "userCertificate;binary", value: bytes("x")))
    }

    @Test func substringsSplitAtUnescapedAsterisks() throws {
        #expect(try LDAPFilter(parsing: "(cn=Ba*)") == .substrings(attribute: "cn", initial: bytes("Ba"), any: [], final: nil))
        #expect(try LDAPFilter(parsing: "(cn=*bs)") == .substrings(attribute: "cn", initial: nil, any: [], final: bytes("bs")))
        #expect(try LDAPFilter(parsing: "(cn=*a*b**c*)") == .substrings(attribute: "cn", initial: nil, any: [bytes("a"), bytes("b"), bytes("c")], final: nil))
        #expect(try LDAPFilter(parsing: "(cn=B*a*s)") == .substrings(attribute: "cn", initial: bytes("B"), any: [bytes("a")], final: bytes("s")))
    }

    @Test func escapesAreDecodedToBytes() throws {
        // RFC 4515 section 4's examples.
        #expect(try LDAPFilter(parsing: "(o=Parens R Us \\28for all your parenthetical needs\\29)")
            == .equalityMatch(attribute: "o", value: bytes("Parens R Us (for all your parenthetical needs)")))
        #expect(try LDAPFilter(parsing: "(cn=*\\2A*)") == .substrings(attribute: "cn", initial: nil, any: [bytes("*")], final: nil))
        #expect(try LDAPFilter(parsing: "(filename=C:\\5cMyFile)") == .equalityMatch(attribute: "filename", value: bytes("C:\\MyFile")))
        #expect(try LDAPFilter(parsing: "(bin=\\00\\00\\00\\04)") == .equalityMatch(attribute: "bin", value: [0, 0, 0, 4]))
        #expect(try LDAPFilter(parsing: "(sn=Lu\\c4\\8di\\c4\\87)") == .equalityMatch(attribute: "sn", value: bytes("Lučić")))
        #expect(try LDAPFilter(parsing: "(sn=Lučić)") == .equalityMatch(attribute: "sn", value: bytes("Lučić")))
    }

    @Test func compositesNest() throws {
        let filter = try LDAPFilter(parsing: "(&(objectClass=user)(|(mail=*)(uid=a))(!(cn=x)))")
        #expect(filter == .and([
            .equalityMatch(attribute: "objectClass", value: bytes("user")),
            .or([.present(attribute: "mail"), .equalityMatch(attribute: "uid", value: bytes("a"))]),
            .not(.equalityMatch(attribute: "cn", value: bytes("x"))),
        ]))
    }

    @Test func extensibleMatchesAsActiveDirectoryUsesThem() throws {
        #expect(try LDAPFilter(parsing: "(userAccountControl:1.2.840.113556.1.4.803:=2)")
            == .extensibleMatch(matchingRule: "1.2.840.113556.1.4.803", attribute: "userAccountControl", value: bytes("2"), dnAttributes: false))
        #expect(try LDAPFilter(parsing: "(cn:dn:2.4.6.8.10:=Jensen)")
            == .extensibleMatch(matchingRule: "2.4.6.8.10", attribute: "cn", value: bytes("Jensen"), dnAttributes: true))
        #expect(try LDAPFilter(parsing: "(:dn:2.4.6.8.10:=Dino)")
            == .extensibleMatch(matchingRule: "2.4.6.8.10", attribute: nil, value: bytes("Dino"), dnAttributes: true))
        #expect(try LDAPFilter(parsing: "(cn:=Fred)") == .extensibleMatch(matchingRule: nil, attribute: "cn", value: bytes("Fred"), dnAttributes: false))
    }

    @Test(arguments: [
        "", "cn=x", "(cn=x", "(cn=x))", "()", "(=x)", "(&)", "(|)", "(!)", "(!(a=b)(c=d))", "(cn=a(b)", "(cn=\\2)",
        "(cn=\\zz)", "(cn=x\\)", "(cn>x)", "(cn~=a*)", "(cn=**)", "(:=x)", "(:dn:=x)", "(cn:1.2:3.4:=x)",
        "(c n=x)", "((cn=x))", "(cn=x)(sn=y)", "(cn=\u{0}x)",
    ])
    func malformedFiltersAreRefused(text: String) {
        #expect(throws: LDAPFilterSyntaxError.self) { try LDAPFilter(parsing: text) }
    }

    @Test func deepNestingIsBounded() throws {
        let depth = LDAPFilter.maximumDepth - 1
        let fine = String(repeating: "(!", count: depth) + "(a=b)" + String(repeating: ")", count: depth)
        _ = try LDAPFilter(parsing: fine)
        let hostile = String(repeating: "(!", count: 100_000) + "(a=b)" + String(repeating: ")", count: 100_000)
        let error = #expect(throws: LDAPFilterSyntaxError.self) { try LDAPFilter(parsing: hostile) }
        #expect(error?.reason.contains("nested") == true)
    }

    @Test func theErrorSaysWhere() {
        let error = #expect(throws: LDAPFilterSyntaxError.self) { try LDAPFilter(parsing: "(&(cn=a)(sn=b\\q1))") }
        #expect(error?.position == 13)
        #expect(error?.description == "'\\' must be followed by two hexadecimal digits at character 14")
    }
}

@testable import App
import Foundation
import HeraldCore
import LDAP
import Testing

/// Entries as Active Directory and OpenLDAP send them, read through the presets: no server needed.
@Suite("LDAP entries to directory records")
struct LDAPEntryMappingTests {
    static let guid: [UInt8] = [0x78, 0x56, 0x34, 0x12, 0x34, 0x12, 0x78, 0x56, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0]

    @Test("an Active Directory user: objectGUID in its canonical form, sAMAccountName, mail, disabled bit")
    func activeDirectoryUser() throws {
        let entry = LDAPEntry(dn: "CN=Ann Lee,OU=People,DC=example,DC=com", attributes: [
            "objectGUID": [Self.guid], "sAMAccountName": [Array("alee".utf8)], "mail": [Array("Ann.Lee@Example.COM".utf8)],
            "displayName": [Array("Ann Lee".utf8)], "userAccountControl": [Array("514".utf8)],
        ])
        let user = try LDAPAttributeMapping.preset(.activeDirectory).user(from: entry)
        #expect(user.externalID == "12345678-1234-5678-1234-56789abcdef0")
        #expect(user.userName == "alee" && user.name == "Ann Lee" && !user.enabled)
        #expect(user.email == "ann.lee@example.com", "emails are kept lowercased, as the directory's unique key")
    }

    @Test("no mail: the userPrincipalName is the address; no valid address or no id: skipped with the reason")
    func fallbacksAndSkips() throws {
        let mapping = LDAPAttributeMapping.preset(.activeDirectory)
        let upn = LDAPEntry(dn: "CN=B", attributes: ["objectGUID": [Self.guid], "userPrincipalName": [Array("b@corp.example".utf8)]])
        #expect(try mapping.user(from: upn).email == "b@corp.example")
        let noAddress = LDAPEntry(dn: "CN=C", attributes: ["objectGUID": [Self.guid], "mail": [Array("not an address".utf8)]])
        #expect(throws: SkippedEntry.self) { try mapping.user(from: noAddress) }
        let noID = LDAPEntry(dn: "CN=D", attributes: ["mail": [Array("d@corp.example".utf8)]])
        do { _ = try mapping.user(from: noID); Issue.record("an entry without objectGUID was taken") } catch { #expect(error.reason.contains("objectGUID")) }
    }

    @Test("names from the directory lose control characters and are bounded before they reach pages and mail")
    func hostileNames() throws {
        let entry = LDAPEntry(dn: "uid=e,ou=p", attributes: [
            "entryUUID": [Array("6f1c1c6e-0000-4000-8000-000000000001".utf8)], "mail": [Array("e@x.example".utf8)],
            "cn": [Array(("Eve\r\nBcc: all@x.example" + String(repeating: "x", count: 500)).utf8)], "uid": [Array("e".utf8)],
        ])
        let user = try LDAPAttributeMapping.preset(.openLDAP).user(from: entry)
        #expect(!user.name.contains("\r") && !user.name.contains("\n") && user.name.count <= 200)
    }

    /// The Foundation form `clean` replaced for speed: both must agree on every kind of value.
    static func foundationClean(_ text: String) -> String? {
        let scalars = text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }
        let cleaned = String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty ? nil : String(cleaned.prefix(200))
    }

    @Test("cleaning on scalars agrees with Foundation's control characters and whitespace", arguments: [
        "Ada Lovelace", " Ada ", "\tAda\t", "Ada\r\nBcc: x", "\u{200B}Ada\u{FEFF}", "\u{3000}山田 太郎\u{3000}", "Zoë\u{0301}",
        "\u{00A0}nbsp\u{00A0}", "", "   ", "\u{7F}\u{1B}[31m", "e\u{202E}vil", String(repeating: "é", count: 300),
        String(repeating: "x", count: 199) + " y", "👩‍💻 dev", "a\u{0085}b",
    ])
    func cleanMatchesFoundation(_ text: String) {
        #expect(LDAPAttributeMapping.clean(text) == Self.foundationClean(text))
    }

    @Test("DNs compare without case and spaces around separators")
    func distinguishedNames() {
        #expect(DistinguishedName.key("CN=Ann Lee, OU=People,DC=Example,DC=com") == DistinguishedName.key("cn=ann lee,ou=people,dc=example,dc=com"))
        #expect(DistinguishedName.key("cn=a,ou=x") != DistinguishedName.key("cn=b,ou=x"))
        #expect(DistinguishedName.key("CN=Ann\u{3000}Lee ,\tOU = People") == "cn=ann\u{3000}lee,ou=people")
        #expect(DistinguishedName.key("UID=Ö,OU=Ü") == "uid=ö,ou=ü")
    }
}

import Foundation

/// The OpenLDAP slapd `scripts/test-servers` starts (scripts/test_servers/ldap.py) with the fixture of
/// scripts/test_servers/ldap_fixture.py: users under ou=people, nested groupOfNames under ou=groups.
public struct LDAPLiveServer: Sendable {
    /// ldap://localhost:PORT, StartTLS offered.
    public let url: String
    /// ldaps://localhost:PORT.
    public let ldapsURL: String
    /// The LDAPS listener at 127.0.0.2, which its certificate does not name.
    public let unnamedLDAPSURL: String
    /// PEM text of the CA that issued slapd's certificate.
    public let caCertificatePEM: String
    public let bindDN: String
    public let bindPassword: String
    public let baseDN: String
    public let users: Int
    public let groups: Int
    /// Searches without paging stop at this many entries.
    public let sizeLimit: Int

    public static func fromEnvironment() throws -> LDAPLiveServer {
        let caFile = try environmentValue("LDAP_TEST_CA_PEM")
        return LDAPLiveServer(
            url: try environmentValue("LDAP_TEST_URL"),
            ldapsURL: try environmentValue("LDAP_TEST_LDAPS_URL"),
            unnamedLDAPSURL: try environmentValue("LDAP_TEST_LDAPS_UNNAMED_URL"),
            caCertificatePEM: try String(contentsOfFile: caFile, encoding: .utf8),
            bindDN: try environmentValue("LDAP_TEST_BIND_DN"),
            bindPassword: try environmentValue("LDAP_TEST_BIND_PASSWORD"),
            baseDN: try environmentValue("LDAP_TEST_BASE_DN"),
            users: try environmentInteger("LDAP_TEST_USERS"),
            groups: try environmentInteger("LDAP_TEST_GROUPS"),
            sizeLimit: try environmentInteger("LDAP_TEST_SIZE_LIMIT"))
    }
}

@testable import App
import Fluent
import Foundation
import HeraldCore
import TestProcesses
import Vapor

/// The OpenLDAP slapd that scripts/test-servers starts (test_servers/ldap.py), an organization whose directory it
/// provisions, and entries of the test's own written as slapd's administrator (`ldapadd`, `ldapmodify`), so a test
/// that changes the directory changes only its own organizational unit.
struct LDAPSyncFixture {
    let app: Application
    let organizationID: UUID
    let accountID: UUID
    let environment: [String: String]

    static func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw TestSetupError("\(name) is not set: run the tests through ./scripts/test, which starts slapd")
        }
        return value
    }

    static func make(_ app: Application, organization: String = "Acme", provisioning: DirectoryProvisioning = .ldap,
                     blockMembers: Bool = false) async throws -> LDAPSyncFixture {
        let created = try await TestData.administrator(app, email: "admin@\(organization.lowercased()).example", password: "Correct-Horse-42", organization: organization)
        let organizationID = try created.organization.requireID()
        try await DirectorySettingsStore.save(provisioning: provisioning, blockMembersOnDeprovision: blockMembers,
                                              organizationID: organizationID, actor: .commandLine, on: app.db)
        var environment: [String: String] = [:]
        for name in ["LDAP_TEST_URL", "LDAP_TEST_LDAPS_URL", "LDAP_TEST_CA_PEM", "LDAP_TEST_BIND_DN", "LDAP_TEST_BIND_PASSWORD",
                     "LDAP_TEST_BASE_DN", "LDAP_TEST_ADMIN_DN", "LDAP_TEST_ADMIN_PASSWORD"] {
            environment[name] = try variable(name)
        }
        return LDAPSyncFixture(app: app, organizationID: organizationID, accountID: try created.account.requireID(), environment: environment)
    }

    var base: String { environment["LDAP_TEST_BASE_DN"]! }
    var caPEM: String { (try? String(contentsOfFile: environment["LDAP_TEST_CA_PEM"]!, encoding: .utf8)) ?? "" }

    /// Settings for the fixture's OpenLDAP layout; `users`/`groups` name the units searched.
    func input(url: String? = nil, users: String? = nil, groups: String? = nil, password: String? = nil) -> LDAPSettingsInput {
        LDAPSettingsInput(url: url ?? environment["LDAP_TEST_URL"]!, ca_certificate_pem: caPEM, bind_dn: environment["LDAP_TEST_BIND_DN"]!,
                          password: password ?? environment["LDAP_TEST_BIND_PASSWORD"]!, user_base_dn: users ?? "ou=people,\(base)",
                          group_base_dn: groups ?? "ou=groups,\(base)", preset: "openldap", disabled_attribute: "employeeType",
                          disabled_value: "disabled", sync_interval_minutes: 0)
    }

    func configure(_ input: LDAPSettingsInput) async throws {
        try await LDAPSettingsStore(box: app.herald.secretBox, servers: app.herald.configuration.ldapServers).save(input, organizationID: organizationID, actor: .commandLine, on: app.db)
    }

    func apiToken() async throws -> String {
        try await APITokenService.create(name: "ldap-tests", scope: .administration, organizationID: organizationID, accountID: accountID, actor: .system, on: app.db).token
    }

    func sync(_ trigger: DirectorySyncRun.Trigger = .api) async throws -> DirectorySyncRun {
        try await DirectorySyncService(services: app.herald).sync(organizationID: organizationID, trigger: trigger, on: app.db)
    }

    func users() async throws -> [DirectoryUser] {
        try await DirectoryUser.query(on: app.db).filter(\.$organization.$id == organizationID).all()
    }

    /// Runs `tool` (ldapadd, ldapmodify, ldapdelete) as slapd's administrator over LDAPS with the test CA.
    func administer(_ tool: String, _ input: String) throws {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = ["-x", "-H", environment["LDAP_TEST_LDAPS_URL"]!, "-D", environment["LDAP_TEST_ADMIN_DN"]!,
                             "-w", environment["LDAP_TEST_ADMIN_PASSWORD"]!]
        // libldap checks the name it resolves the address back to ("vm" here, not "localhost"): the tool only writes
        // the test's entries, so it trusts the test CA without that check. Herald's own client checks names fully.
        process.environment = ["LDAPTLS_CACERT": environment["LDAP_TEST_CA_PEM"]!, "LDAPTLS_REQCERT": "allow", "PATH": "/usr/bin:/bin"]
        let stdin = Pipe(), output = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestSetupError("\(tool) failed: \(text)") }
    }

    /// A unit of the test's own with `people` inetOrgPerson entries (uid pN, mail pN@unit.test) and one group
    /// holding all of them; returns the unit's DN.
    func makeUnit(people: Int) throws -> String {
        let unit = "ou=t\(UUID().uuidString.prefix(8).lowercased()),\(base)"
        var ldif = "dn: \(unit)\nobjectClass: organizationalUnit\nou: \(unit.dropFirst(3).prefix(9))\n\n"
        for number in 0..<people {
            ldif += "dn: uid=p\(number),\(unit)\nobjectClass: inetOrgPerson\nuid: p\(number)\ncn: Person \(number)\nsn: \(number)\nmail: p\(number)@\(unit.dropFirst(3).prefix(9)).test\n\n"
        }
        ldif += "dn: cn=everyone,\(unit)\nobjectClass: groupOfNames\ncn: everyone-\(unit.dropFirst(3).prefix(9))\n"
        ldif += (0..<people).map { "member: uid=p\($0),\(unit)\n" }.joined() + "\n"
        try administer("ldapadd", ldif)
        return unit
    }
}

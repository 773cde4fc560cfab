import Fluent
import Vapor

/// `herald directory ldap --organization NAME --url URL --bind-dn DN --password-stdin --users-base DN --groups-base DN
/// [--type active_directory|openldap] [--ca-file F] [--interval MINUTES] [--test]`: the console's LDAP form for
/// scripts and first set-up, checked the same way; `--test` then runs "Test connection".
struct LDAPSetCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "url", help: "ldaps://host[:port], or ldap://host[:port] (StartTLS is required)") var url: String?
        @Option(name: "bind-dn", help: "the DN Herald signs in as, e.g. CN=herald-sync,OU=Service Accounts,DC=example,DC=com") var bindDN: String?
        @Flag(name: "password-stdin", help: "read the bind password from standard input") var passwordStdin: Bool
        @Option(name: "users-base", help: "the DN the people are under") var usersBase: String?
        @Option(name: "groups-base", help: "the DN the groups are under") var groupsBase: String?
        @Option(name: "type", help: "active_directory (default) or openldap: the attribute names and filters to start from") var type: String?
        @Option(name: "ca-file", help: "PEM file of a private CA to trust, read here and stored with the settings") var caFile: String?
        @Option(name: "interval", help: "minutes between scheduled syncs (15-10080); 0 or absent: only when asked") var interval: Int?
        @Flag(name: "test", help: "test the connection after saving") var test: Bool
    }

    let help = "Set the organization's LDAP / Active Directory connection"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let caCertificate = try readCAFile(signature.caFile)
        let preset = signature.type ?? "active_directory"
        let input = LDAPSettingsInput(
            url: signature.url ?? "", ca_certificate_pem: caCertificate, bind_dn: signature.bindDN ?? "",
            password: signature.passwordStdin ? try readSecretFromStandardInput() : nil,
            user_base_dn: signature.usersBase ?? "", group_base_dn: signature.groupsBase ?? "", preset: preset,
            disabled_attribute: preset == "openldap" ? "employeeType" : nil, disabled_value: preset == "openldap" ? "disabled" : nil,
            sync_interval_minutes: signature.interval)
        let organizationID = try organization.requireID()
        let store = LDAPSettingsStore(box: app.herald.secretBox, servers: app.herald.configuration.ldapServers)
        do {
            try await store.save(input, organizationID: organizationID, actor: .commandLine, on: app.db)
        } catch let problems as ValidationProblems {
            throw CommandError.fields(problems.problems, options: [
                "bind_dn": "bind-dn", "password": "password-stdin", "user_base_dn": "users-base", "group_base_dn": "groups-base",
                "preset": "type", "ca_certificate_pem": "ca-file", "sync_interval_minutes": "interval",
            ])
        }
        context.console.print("LDAP settings of \(organization.name) saved.")
        guard signature.test else { return }
        let connection = try await store.connection(of: organizationID, on: app.db)
        let result = await LDAPConnectionTest(settings: connection, eventLoopGroup: app.eventLoopGroup, logger: app.logger).run()
        context.console.print(result.message)
        if !result.ok { throw CommandError.invalid(["--test: the connection test failed"]) }
    }
}

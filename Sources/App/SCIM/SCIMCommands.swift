import Fluent
import Vapor

/// `herald directory scim-token create --organization NAME [--name LABEL]` prints a SCIM token once;
/// `herald directory source --organization NAME --set scim|ldap|csv` chooses how the directory is provisioned.
struct SCIMTokenCommands: AsyncCommandGroup {
    let help = "Manage SCIM tokens (the identity provider's credentials for /scim/v2)"
    let commands: [String: any AnyAsyncCommand] = ["create": SCIMTokenCreateCommand()]
}

struct SCIMTokenCreateCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "name", help: "A label for the token, e.g. 'entra'") var name: String?
    }

    let help = "Create a SCIM token (printed once)"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let created = try await SCIMTokenService.create(name: signature.name ?? "scim", organizationID: try organization.requireID(),
                                                        actor: .commandLine, on: app.db)
        context.console.print(created.token)
    }
}

struct DirectorySourceCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "set", help: "csv, ldap or scim") var source: String?
        @Flag(name: "block-members-on-deprovision", help: "Block the membership of people the source disables or removes") var block: Bool
    }

    let help = "Choose how the organization's directory is provisioned (csv, ldap or scim)"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let provisioning = signature.source.flatMap(DirectoryProvisioning.init(rawValue:)) else {
            throw CommandError.usage("--set: must be csv, ldap or scim")
        }
        try await DirectorySettingsStore.save(provisioning: provisioning, blockMembersOnDeprovision: signature.block,
                                              organizationID: try organization.requireID(), actor: .commandLine, on: app.db)
        context.console.print("The directory of \(organization.name) is provisioned by \(provisioning.label).")
    }
}

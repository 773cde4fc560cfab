import Fluent
import Vapor

/// `herald sso allow-passwords --organization NAME`: the break-glass for an organization whose members may sign in
/// only through its identity provider, when that provider is down or misconfigured. It needs a shell on the server,
/// which is the point: nobody can do it from the web.
struct SingleSignOnCommands: AsyncCommandGroup {
    let help = "Single sign-on break-glass"
    let commands: [String: any AnyAsyncCommand] = ["allow-passwords": AllowPasswordsCommand()]
}

struct AllowPasswordsCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        init() {}
    }

    let help = "Let the organization's members sign in with their passwords again (audited)"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let changed = try await SingleSignOnStore.allowPasswords(organizationID: organization.requireID(), actor: .commandLine,
                                                                  on: context.application.db)
        context.console.print(changed ? "Members of '\(organization.name)' may sign in with their passwords again."
                                      : "Members of '\(organization.name)' may already sign in with their passwords.")
    }
}

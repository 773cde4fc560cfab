import Fluent
import HeraldCore
import Vapor

/// `herald directory import --organization NAME --csv FILE`: name,email[,groups[,enabled]] rows; `scim-token` and `source`.
struct DirectoryCommands: AsyncCommandGroup {
    let help = "Manage an organization's directory of users and groups"
    let commands: [String: any AnyAsyncCommand] = [
        "import": DirectoryImportCommand(), "scim-token": SCIMTokenCommands(), "source": DirectorySourceCommand(), "sync": DirectorySyncCommand(), "ldap": LDAPSetCommand(),
    ]
}

struct DirectoryImportCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "csv", help: "a CSV file: name,email[,groups[,enabled]]; groups separated by ;") var csv: String?
    }

    let help = "Import directory users (and their groups) from a CSV file"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let path = signature.csv, let data = FileManager.default.contents(atPath: path) else {
            throw CommandError.usage("--csv: give a readable CSV file")
        }
        do {
            let summary = try await DirectoryImport.run(data, organizationID: try organization.requireID(), actor: .commandLine, on: app.db)
            context.console.print("\(summary.created) added, \(summary.updated) updated, \(summary.groupsCreated) groups created, \(summary.membershipsAdded) memberships added")
        } catch let abort as any AbortError where abort.status.code < 500 {
            throw CommandError.invalid(abort.reason.dropFirst("csv: ".count).components(separatedBy: "; ").map { "--csv: \($0)" })
        }
    }
}

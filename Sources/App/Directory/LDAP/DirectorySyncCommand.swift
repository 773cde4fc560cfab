import Fluent
import Vapor

/// `herald directory sync --organization NAME`: one LDAP sync now, with its report; exits non-zero when it failed.
struct DirectorySyncCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
    }

    let help = "Sync the organization's directory from its LDAP server now and print the report"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let run: DirectorySyncRun
        do {
            run = try await DirectorySyncService(services: app.herald).sync(organizationID: try organization.requireID(), trigger: .cli, on: app.db)
        } catch let abort as any AbortError where abort.status.code < 500 {
            throw CommandError.invalid([abort.reason])
        }
        context.console.print(LDAPDirectorySync.summary(run))
        if let warnings = run.warnings { context.console.print("skipped:\n" + warnings) }
        if run.status == .failed { throw CommandError.invalid(["the sync failed: \(run.error ?? "see the log")"]) }
    }
}

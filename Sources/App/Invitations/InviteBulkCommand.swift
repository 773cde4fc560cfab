import Fluent
import Vapor

/// `herald invite bulk --organization NAME --action resend|revoke [--kind K] [--status S] [--older-than-days N] [--batch ID] [--confirm]`:
/// without `--confirm` only the number of matching invitations is printed (the preview).
struct InviteBulkCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "action", help: "resend or revoke") var action: String?
        @Option(name: "kind", help: "join, install or client (default any)") var kind: String?
        @Option(name: "status", help: "pending, accepted, expired or revoked (default any)") var status: String?
        @Option(name: "older-than-days", help: "only invitations created at least this many days ago") var olderThanDays: String?
        @Option(name: "batch", help: "only the invitations of this batch id") var batch: String?
        @Flag(name: "confirm", help: "act; without it only the number of matches is printed") var confirm: Bool
    }

    let help = "Resend or revoke every invitation matching a filter (a preview count without --confirm)"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        do {
            let filter = try InvitationBulk.Filter(kind: signature.kind, status: signature.status, olderThanDays: signature.olderThanDays,
                                                   batch: signature.batch)
            guard let action = try InvitationList.choice(signature.action ?? "", field: "action") as InvitationBulk.Action? else {
                throw ValidationProblems(["action: must be one of resend, revoke"])
            }
            guard signature.confirm else {
                let matching = try await InvitationBulk.count(filter, organizationID: try organization.requireID(), on: app.db)
                context.console.print("\(matching) \(filter.description) would be \(action == .resend ? "resent" : "revoked"); run again with --confirm")
                return
            }
            let outcome = try await InvitationBulk(services: app.herald)
                .apply(action, to: filter, organization: organization, inviter: nil, actor: .commandLine, on: app.db)
            for line in outcome.refused { context.console.warning("left as it was: \(line)") }
            context.console.print("\(outcome.done) of \(outcome.matching) \(action == .resend ? "resent" : "revoked")")
        } catch let abort as any AbortError where abort.status.code < 500 {
            throw CommandError.fields(abort.reason.components(separatedBy: "; "))
        }
    }
}

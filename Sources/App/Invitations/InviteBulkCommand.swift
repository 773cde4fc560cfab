import Fluent
import Vapor

/// `herald invite bulk --organization NAME --action resend|revoke [--kind K] [--status S] [--older-than-days N] [--batch ID] [--confirm]`:
/// without `--confirm` only the number of matching invitations is printed (the preview). More than
/// `InvitationBulk.backgroundThreshold` matches become a job: the command works it chunk by chunk itself (sharing
/// it with any `herald serve` under the job's lease), printing a progress line per chunk, unless `--no-wait` leaves
/// it to the servers.
struct InviteBulkCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "action", help: "resend or revoke") var action: String?
        @Option(name: "kind", help: "join, install or client (default any)") var kind: String?
        @Option(name: "status", help: "pending, accepted, expired or revoked (default any)") var status: String?
        @Option(name: "older-than-days", help: "only invitations created at least this many days ago") var olderThanDays: String?
        @Option(name: "batch", help: "only the invitations of this batch id") var batch: String?
        @Flag(name: "confirm", help: "act; without it only the number of matches is printed") var confirm: Bool
        @Flag(name: "no-wait", help: "for a large selection: queue the job for herald serve and return at once") var noWait: Bool
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
            let organizationID = try organization.requireID()
            if let job = try await BulkJobs(services: app.herald).startIfLarge(action, filter: filter, organizationID: organizationID,
                                                                                actor: .commandLine, on: app.db) {
                let id = try job.requireID()
                context.console.print("job \(id): \(job.total) \(filter.description) queued")
                guard !signature.noWait else { return }
                try await follow(id, organizationID: organizationID, app: app, console: context.console)
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

    /// Works the job's chunks (or waits while a server holds its lease) until it is over, a line per change.
    private func follow(_ id: UUID, organizationID: UUID, app: Application, console: any Console) async throws {
        let jobs = BulkJobs(services: app.herald)
        let workerID = "cli-\(ProcessInfo.processInfo.processIdentifier)"
        var shown = -1
        while true {
            let worked = try await jobs.runChunk(workerID: workerID, only: id, on: app.db)
            guard let progress = try await BulkJobs.progress(id, organizationID: organizationID, on: app.db) else { return }
            let processed = progress.done + progress.failed
            if processed != shown || progress.isOver {
                shown = processed
                console.print("\(processed) of \(progress.total) processed (\(progress.done) \(progress.action == .resend ? "resent" : "revoked"), \(progress.failed) left as they were)")
            }
            if progress.isOver {
                for line in progress.failures { console.warning("left as it was: \(line)") }
                if let problem = progress.problem { throw CommandError.fields(["job: \(problem)"]) }
                return
            }
            if worked == nil { try await Task.sleep(for: .seconds(1)) }
        }
    }
}

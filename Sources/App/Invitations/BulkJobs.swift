import Fluent
import Foundation
import SQLKit
import Vapor

/// Bulk resends and revokes too large for one request, as durable jobs (`BulkJob`) worked through in chunks.
///
/// Each chunk is claimed under a lease the way outbox messages are (`OutboxClaim`): one `UPDATE … RETURNING` names
/// the holder, `FOR UPDATE SKIP LOCKED` on PostgreSQL, SQLite's write lock otherwise, so two instances never hold
/// the same job at once. The lease is given back after every chunk, and the next claim takes the job that moved
/// least recently: jobs of several organizations take turns, and each invitation's change is its own short
/// transaction (`InvitationChanges`), so no organization's writes wait behind a 100,000-invitation job.
///
/// An invitation's outcome is written in the transaction of its change, so a worker that takes over a chunk whose
/// worker died (its lease ran out) skips exactly what was done. (Resent emails themselves follow the outbox's bound:
/// a message is sent twice only if it was in flight when the process died.)
struct BulkJobs: Sendable {
    /// 50 invitations take well under a second even on a loaded machine: progress moves visibly, and the lease is
    /// never close to running out (a chunk also stops early at half the lease).
    static let chunkSize = 50
    static let leaseDuration: TimeInterval = 60
    /// The selection is written as rows up front; larger ones are narrowed by batch or age.
    static let maximumSelection = 100_000
    /// Chunks in a row stopped by an error other than an invitation's refusal before the job is marked failed.
    static let maximumErrors = 3
    static let maximumReported = 100

    let services: HeraldServices

    /// The job with its fixed selection, queued; one transaction.
    func create(_ action: InvitationBulk.Action, filter: InvitationBulk.Filter, organizationID: UUID, actor: AuditActor,
                on db: any Database, now: Date = Date()) async throws -> BulkJob {
        let ids = try await filter.query(organizationID: organizationID, now: now, on: db)
            .sort(\.$createdAt).sort(\.$id).field(\.$id).all().map { try $0.requireID() }
        guard ids.count <= Self.maximumSelection else {
            throw ValidationProblems(["filter: \(ids.count) invitations match, more than the \(Self.maximumSelection) one job changes; narrow it by batch or age"],
                                     status: .unprocessableEntity)
        }
        let job = BulkJob()
        job.id = UUID()
        job.$organization.id = organizationID
        job.action = action
        job.filter = filter.description
        job.total = ids.count
        (job.processed, job.done, job.failed, job.errors) = (0, 0, 0, 0)
        job.status = ids.isEmpty ? .finished : .queued
        job.finishedAt = ids.isEmpty ? now : nil
        (job.actorKind, job.actorAccountID, job.actorLabel) = actor.stored
        try await db.transaction { db in
            try await job.create(on: db)
            let jobID = try job.requireID()
            try await BulkInsert.insert(BulkJobItem.schema, ["job_id", "position", "invitation_id"],
                                        ids.enumerated().map { [.uuid(jobID), .integer($0.offset), .uuid($0.element)] }, on: db)
        }
        return job
    }

    /// A queued job when the selection is larger than `InvitationBulk.backgroundThreshold`; nil when the caller
    /// does the work itself, at once (the console, the API and the command line alike).
    func startIfLarge(_ action: InvitationBulk.Action, filter: InvitationBulk.Filter, organizationID: UUID, actor: AuditActor,
                      on db: any Database) async throws -> BulkJob? {
        guard try await InvitationBulk.count(filter, organizationID: organizationID, on: db) > InvitationBulk.backgroundThreshold else { return nil }
        return try await create(action, filter: filter, organizationID: organizationID, actor: actor, on: db)
    }

    struct Claim: Sendable {
        let jobID: UUID
        let organizationID: UUID
        let action: InvitationBulk.Action
        let processed: Int
        let total: Int
        let actor: AuditActor
        let holder: String
    }

    /// Takes the least recently moved job that is queued, or running without a live lease (its worker gave the
    /// lease back after a chunk, or died); `only` limits it to one job (the command line driving its own).
    func claim(workerID: String, only jobID: UUID? = nil, on db: any Database, now: Date = Date()) async throws -> Claim? {
        let sql = try db.sql
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let only: SQLQueryString = jobID.map { " AND id = \(bind: $0)" } ?? ""
        let holder = "\(workerID)/\(UUID().uuidString.prefix(8).lowercased())"
        let rows = try await sql.raw("""
            UPDATE bulk_jobs SET status = 'running', leased_by = \(bind: holder), lease_expires_at = \(bind: now.addingTimeInterval(Self.leaseDuration)),
                started_at = COALESCE(started_at, \(bind: now)), updated_at = \(bind: now)
            WHERE id IN (
                SELECT id FROM bulk_jobs
                WHERE (status = 'queued' OR (status = 'running' AND (leased_by IS NULL OR lease_expires_at < \(bind: now))))\(only)
                ORDER BY updated_at LIMIT 1\(lock)
            )
            RETURNING id, organization_id, action, processed, total, actor_kind, actor_account_id, actor_label
            """).all()
        guard let row = rows.first else { return nil }
        guard let action = InvitationBulk.Action(rawValue: try row.decode(column: "action", as: String.self)) else { return nil }
        return Claim(jobID: try row.decode(column: "id", as: UUID.self), organizationID: try row.decode(column: "organization_id", as: UUID.self),
                     action: action, processed: try row.decode(column: "processed", as: Int.self), total: try row.decode(column: "total", as: Int.self),
                     actor: AuditActor.restored(kind: try row.decode(column: "actor_kind", as: String.self),
                                                accountID: try row.decode(column: "actor_account_id", as: UUID?.self),
                                                label: try row.decode(column: "actor_label", as: String.self)),
                     holder: holder)
    }

    /// Claims a chunk and works it; nil when no job was free. An error other than an invitation's refusal gives the
    /// chunk back (the job is marked failed after `maximumErrors` in a row) and is thrown for the log.
    @discardableResult
    func runChunk(workerID: String, only jobID: UUID? = nil, on db: any Database, now: Date = Date()) async throws -> BulkJob.Status? {
        guard let claim = try await claim(workerID: workerID, only: jobID, on: db, now: now) else { return nil }
        do {
            // On the real clock: `now` may be a test's moment after a lease ran out.
            let next = try await work(claim, on: db, deadline: Date().addingTimeInterval(Self.leaseDuration / 2))
            return try await settle(claim, next: next, on: db)
        } catch {
            try await giveBack(claim, problem: "\(error)", on: db)
            throw error
        }
    }

    /// Changes the chunk's invitations one by one, each with its outcome in one transaction; returns the position to go on from.
    /// `upTo` stops after that many (tests: a worker that dies mid-chunk).
    func work(_ claim: Claim, on db: any Database, deadline: Date, upTo limit: Int = chunkSize) async throws -> Int {
        let end = min(claim.processed + Self.chunkSize, claim.total)
        let items = try await db.sql.raw("""
            SELECT b.position, b.invitation_id, i.email FROM bulk_job_items b LEFT JOIN invitations i ON i.id = b.invitation_id
            WHERE b.job_id = \(bind: claim.jobID) AND b.position >= \(bind: claim.processed) AND b.position < \(bind: end) AND b.outcome IS NULL
            ORDER BY b.position
            """).all()
        guard let organization = try await Organization.find(claim.organizationID, on: db) else { return end }
        let inviter: Account? = if let accountID = claim.actor.accountID { try await Account.find(accountID, on: db) } else { nil }
        let changes = InvitationChanges(services: services)
        for (index, row) in items.enumerated() {
            let position = try row.decode(column: "position", as: Int.self)
            guard Date() < deadline, index < limit else { return position }
            let invitationID = try row.decode(column: "invitation_id", as: UUID.self)
            do {
                // The change and its item's outcome in one transaction: a worker that dies between them would
                // otherwise leave the item open, and the worker taking over would resend the email a second time.
                try await db.transaction { db in
                    switch claim.action {
                    case .resend: try await changes.resend(invitationID, organization: organization, inviter: inviter, actor: claim.actor, on: db)
                    case .revoke: try await changes.revoke(invitationID, organizationID: claim.organizationID, actor: claim.actor, on: db)
                    }
                    try await Self.settleItem(claim.jobID, position: position, outcome: "done", reason: nil, on: db)
                }
            } catch let refusal as any AbortError where refusal.status.code < 500 {
                // Refused: the transaction changed nothing; the refusal is recorded on its own.
                let email = try row.decode(column: "email", as: String?.self) ?? "(deleted)"
                try await Self.settleItem(claim.jobID, position: position, outcome: "failed", reason: "\(email): \(refusal.reason)", on: db)
            }
        }
        if claim.action == .resend { services.mailer.wakeDelivery() }
        return end
    }

    /// Records one item's outcome, once: an item already settled (by a worker whose lease ran out) stays as it is.
    private static func settleItem(_ jobID: UUID, position: Int, outcome: String, reason: String?, on db: any Database) async throws {
        try await db.sql.raw("""
            UPDATE bulk_job_items SET outcome = \(bind: outcome), reason = \(bind: reason)
            WHERE job_id = \(bind: jobID) AND position = \(bind: position) AND outcome IS NULL
            """).run()
    }

    /// Moves the job on to `next` and gives the lease back, in one short transaction that counts only while the
    /// lease is still this claim's; the finish is audited in the same transaction.
    private func settle(_ claim: Claim, next: Int, on db: any Database, now: Date = Date()) async throws -> BulkJob.Status? {
        try await db.transaction { db in
            let sql = try db.sql
            let counts = try await sql.raw("""
                SELECT outcome, COUNT(*) AS n FROM bulk_job_items
                WHERE job_id = \(bind: claim.jobID) AND position >= \(bind: claim.processed) AND position < \(bind: next) AND outcome IS NOT NULL
                GROUP BY outcome
                """).all()
            var done = 0, failed = 0
            for row in counts {
                let n = try row.decode(column: "n", as: Int.self)
                if try row.decode(column: "outcome", as: String.self) == "done" { done = n } else { failed = n }
            }
            let finished = next >= claim.total
            let settled = try await sql.raw("""
                UPDATE bulk_jobs SET processed = \(bind: next), done = done + \(bind: done), failed = failed + \(bind: failed), errors = 0,
                    status = \(bind: finished ? "finished" : "running"), finished_at = \(bind: finished ? now : nil),
                    leased_by = NULL, lease_expires_at = NULL, updated_at = \(bind: now)
                WHERE id = \(bind: claim.jobID) AND leased_by = \(bind: claim.holder)
                RETURNING done, failed, total, filter
                """).all()
            guard let row = settled.first else { return nil }
            if finished {
                try await Self.audit(claim, done: try row.decode(column: "done", as: Int.self), failed: try row.decode(column: "failed", as: Int.self),
                                     filter: try row.decode(column: "filter", as: String.self), on: db)
            }
            return finished ? .finished : .running
        }
    }

    /// Gives a chunk that stopped on an error back for another try, or fails the job after `maximumErrors` in a row.
    private func giveBack(_ claim: Claim, problem: String, on db: any Database, now: Date = Date()) async throws {
        try await db.transaction { db in
            let rows = try await db.sql.raw("""
                UPDATE bulk_jobs SET errors = errors + 1, leased_by = NULL, lease_expires_at = NULL, updated_at = \(bind: now)
                WHERE id = \(bind: claim.jobID) AND leased_by = \(bind: claim.holder)
                RETURNING errors, done, failed, filter
                """).all()
            guard let row = rows.first, try row.decode(column: "errors", as: Int.self) >= Self.maximumErrors else { return }
            try await db.sql.raw("""
                UPDATE bulk_jobs SET status = 'failed', finished_at = \(bind: now),
                    problem = \(bind: "the database refused a change \(Self.maximumErrors) times in a row; the invitations changed before stay changed")
                WHERE id = \(bind: claim.jobID)
                """).run()
            try await Self.audit(claim, done: try row.decode(column: "done", as: Int.self), failed: try row.decode(column: "failed", as: Int.self),
                                 filter: try row.decode(column: "filter", as: String.self), stopped: true, on: db)
        }
    }

    private static func audit(_ claim: Claim, done: Int, failed: Int, filter: String, stopped: Bool = false, on db: any Database) async throws {
        let verb = claim.action == .resend ? "resent" : "revoked"
        try await AuditLog.record(on: db, organizationID: claim.organizationID, actor: claim.actor, action: .invitationsBulkFinished,
                                  targetType: "bulk_job", targetID: claim.jobID,
                                  targetLabel: "\(done) of \(claim.total) \(filter) \(verb), \(failed) left as they were\(stopped ? " (stopped)" : "")")
    }

    /// The organization's job (another organization's is as good as absent), with the first refusals.
    static func progress(_ id: UUID?, organizationID: UUID, on db: any Database) async throws -> BulkJobProgress? {
        guard let id, let job = try await BulkJob.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID).first()
        else { return nil }
        let failures = job.failed == 0 ? [] : try await db.sql.raw("""
            SELECT reason FROM bulk_job_items WHERE job_id = \(bind: id) AND outcome = 'failed' ORDER BY position LIMIT \(literal: maximumReported)
            """).all().map { try $0.decode(column: "reason", as: String?.self) ?? "" }
        return BulkJobProgress(job, failures: failures)
    }
}

/// A job's progress as the API, the console's poll and the command line show it.
struct BulkJobProgress: Content, Equatable {
    let id: UUID
    let action: InvitationBulk.Action
    let filter: String
    let status: BulkJob.Status
    let total: Int
    let done: Int
    let failed: Int
    /// The first refusals, each "email: reason" (at most `BulkJobs.maximumReported`).
    let failures: [String]
    let problem: String?
    let createdAt: Date?
    let startedAt: Date?
    let finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, action, filter, status, total, done, failed, failures, problem
        case createdAt = "created_at", startedAt = "started_at", finishedAt = "finished_at"
    }

    init(_ job: BulkJob, failures: [String]) {
        id = job.id ?? UUID()
        (action, filter, status, total, done, failed) = (job.action, job.filter, job.status, job.total, job.done, job.failed)
        self.failures = failures
        problem = job.problem
        (createdAt, startedAt, finishedAt) = (job.createdAt, job.startedAt, job.finishedAt)
    }

    var isOver: Bool { status == .finished || status == .failed }
}

extension AuditActor {
    /// The actor as a job keeps it until it finishes: a kind, the account, and the name the label is made of.
    var stored: (kind: String, accountID: UUID?, label: String) {
        switch self {
        case .account(let id, let email): ("account", id, email)
        case .apiToken(let id, let name): ("api_token", id, name)
        case .commandLine: ("command_line", nil, "")
        case .system: ("system", nil, "")
        case .directorySync(let source): ("directory", nil, source)
        }
    }

    static func restored(kind: String, accountID: UUID?, label: String) -> AuditActor {
        switch (kind, accountID) {
        case ("account", let id?): .account(id: id, email: label)
        case ("api_token", let id?): .apiToken(accountID: id, tokenName: label)
        case ("command_line", _): .commandLine
        case ("directory", _): .directorySync(source: label)
        default: .system
        }
    }
}

/// Works queued bulk jobs in `herald serve`: every two seconds, chunk after chunk until none is free.
final class BulkJobWorker: Sendable {
    static let interval: TimeInterval = 2
    private let task = PeriodicTask()

    func start(services: HeraldServices, database: any Database, logger: Logger) {
        let workerID = "bulk-\(UUID().uuidString.prefix(8).lowercased())"
        let jobs = BulkJobs(services: services)
        task.start(every: Self.interval, name: "bulk invitation jobs", logger: logger) {
            while !Task.isCancelled, try await jobs.runChunk(workerID: workerID, on: database) != nil {
                await Task.yield()
            }
        }
    }

    func stop() async { await task.stop() }
}

@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Bulk resends and revokes of large selections run as background jobs (#18): chunks under a lease, resumable,
/// never worked twice, with progress for the API, the console and the command line.
@Suite("Bulk invitation jobs")
struct BulkJobTests {
    /// `count` pending join invitations through the API, in one request.
    static func invite(_ fixture: WebhookTests.Fixture, _ count: Int, prefix: String = "p") async throws {
        let emails = (0..<count).map { "\"\(prefix)\($0)@example.com\"" }.joined(separator: ",")
        let response = try await fixture.send(.POST, "/invitations/join", #"{"emails":[\#(emails)]}"#)
        #expect(response.status == .created, "\(response.body.string)")
    }

    /// Works the job with `workers` workers at once until it is over; returns how many chunks each settled.
    /// `later` moves the workers' clock on (past a lease, for a worker taking over).
    @discardableResult
    static func drain(_ app: Application, _ jobID: UUID, workers: [String], later: TimeInterval = 0) async throws -> [String: Int] {
        let jobs = BulkJobs(services: app.herald)
        return try await withThrowingTaskGroup(of: (String, Int).self) { group in
            for worker in workers {
                group.addTask {
                    var chunks = 0
                    while true {
                        let job = try #require(try await BulkJob.find(jobID, on: app.db))
                        if job.status == .finished || job.status == .failed { return (worker, chunks) }
                        if try await jobs.runChunk(workerID: worker, on: app.db, now: Date().addingTimeInterval(later)) != nil { chunks += 1 } else {
                            try await Task.sleep(for: .milliseconds(5))
                        }
                    }
                }
            }
            var chunks: [String: Int] = [:]
            for try await (worker, count) in group { chunks[worker] = count }
            return chunks
        }
    }

    /// Invitations whose outbox rows are not exactly `expected` (each invitation's first email plus its resends).
    static func invitationsNotMailed(_ app: Application, times expected: Int) async throws -> Int {
        try await app.db.sql.raw("""
            SELECT COUNT(*) AS n FROM (SELECT i.id FROM invitations i LEFT JOIN outbox_messages m ON m.invitation_id = i.id
            GROUP BY i.id HAVING COUNT(m.id) <> \(literal: expected)) odd
            """).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    @Test("1,000 invitations resent through the API as a job: 202 with its Location, two workers, every invitation resent once")
    func apiJobTwoWorkers() async throws {
        try await withHerald { app in
            // given: 1,000 pending join invitations, each emailed once
            let fixture = try await WebhookTests.Fixture(app)
            try await Self.invite(fixture, 1_000)
            // when
            let started = try await fixture.send(.POST, "/invitations/bulk", #"{"action":"resend","kind":"join","status":"pending","confirm":true}"#)
            let location = try #require(started.headers.first(name: .location))
            let queued = try started.content.decode(BulkJobProgress.self)
            // How many chunks each worker took is not checked: a chunk that reaches its deadline (half the lease)
            // leaves the rest for another, as under the full suite's load (21 chunks instead of 20 there). What must
            // hold is below: every invitation resent exactly once, whichever worker took which chunk.
            try await Self.drain(app, queued.id, workers: ["worker-a", "worker-b"])
            let finished = try await fixture.send(.GET, String(location.dropFirst("/api/v1".count)))
            // then
            #expect(started.status == .accepted)
            #expect(location == "/api/v1/bulk-jobs/\(queued.id)")
            #expect(queued.status == .queued && queued.total == 1_000 && queued.done == 0)
            let progress = try finished.content.decode(BulkJobProgress.self)
            #expect(finished.status == .ok)
            #expect(progress.status == .finished && progress.done == 1_000 && progress.total == 1_000 && progress.failed == 0)
            #expect(progress.finishedAt != nil && progress.startedAt != nil)
            #expect(try await OutboxMessage.query(on: app.db).count() == 2_000)
            #expect(try await Self.invitationsNotMailed(app, times: 2) == 0)
            let audits = try await AuditEvent.query(on: app.db).filter(\.$action == .invitationsBulkFinished).all()
            #expect(audits.count == 1)
            #expect(audits.first?.targetLabel.hasPrefix("1000 of 1000 pending join invitations resent") == true, "\(audits.first?.targetLabel ?? "")")
        }
    }

    @Test("a job's progress is its own organization's: another organization's job and an unknown id are 404")
    func otherOrganizationsJob() async throws {
        try await withHerald { app in
            // given: a job of another organization
            let fixture = try await WebhookTests.Fixture(app)
            let other = try await TestData.administrator(app, email: "other@example.com", password: "Correct-Horse-42", organization: "Other")
            let filter = try InvitationBulk.Filter(kind: nil, status: nil, olderThanDays: nil, batch: nil)
            let job = try await BulkJobs(services: app.herald).create(.revoke, filter: filter, organizationID: try other.organization.requireID(),
                                                                      actor: .commandLine, on: app.db)
            // when
            let theirs = try await fixture.send(.GET, "/bulk-jobs/\(try job.requireID())")
            let unknown = try await fixture.send(.GET, "/bulk-jobs/\(UUID())")
            let garbage = try await fixture.send(.GET, "/bulk-jobs/not-a-job")
            // then
            #expect(theirs.status == .notFound && unknown.status == .notFound && garbage.status == .notFound)
            #expect(!theirs.body.string.contains(try job.requireID().uuidString))
        }
    }

    @Test("a job whose worker died mid-chunk is taken over when its lease runs out and revokes every invitation exactly once")
    func interruptedJobResumes() async throws {
        try await withHerald { app in
            // given: 1,000 invitations and a revoke job; one chunk done, then a worker claims the next and dies after 10
            let fixture = try await WebhookTests.Fixture(app)
            try await Self.invite(fixture, 1_000)
            let filter = try InvitationBulk.Filter(kind: "join", status: "pending", olderThanDays: nil, batch: nil)
            let jobs = BulkJobs(services: app.herald)
            let job = try await jobs.create(.revoke, filter: filter, organizationID: fixture.organizationID, actor: .commandLine, on: app.db)
            let jobID = try job.requireID()
            #expect(try await jobs.runChunk(workerID: "first", on: app.db) == .running)
            let dying = try #require(try await jobs.claim(workerID: "dying", on: app.db))
            _ = try await jobs.work(dying, on: app.db, deadline: .distantFuture, upTo: 10)
            // when: another worker comes while the lease holds, then after it ran out
            let whileHeld = try await jobs.runChunk(workerID: "second", on: app.db)
            try await Self.drain(app, jobID, workers: ["second"], later: BulkJobs.leaseDuration + 1)
            // then
            #expect(whileHeld == nil)
            let finished = try #require(try await BulkJob.find(jobID, on: app.db))
            #expect(finished.status == .finished && finished.done == 1_000 && finished.failed == 0 && finished.processed == 1_000)
            #expect(try await Invitation.query(on: app.db).filter(\.$status == .revoked).count() == 1_000)
            let revocations = try await AuditEvent.query(on: app.db).filter(\.$action == .joinInvitationRevoked).count()
            #expect(revocations == 1_000)
        }
    }

    @Test("a job whose changes keep failing in the database stops as failed after three tries in a row, says why and is audited")
    func failingJobStops() async throws {
        try await withHerald { app in
            // given: a revoke job, and the table every revocation writes its history to gone
            let fixture = try await WebhookTests.Fixture(app)
            try await Self.invite(fixture, 3)
            let filter = try InvitationBulk.Filter(kind: "join", status: nil, olderThanDays: nil, batch: nil)
            let jobs = BulkJobs(services: app.herald)
            let job = try await jobs.create(.revoke, filter: filter, organizationID: fixture.organizationID, actor: .commandLine, on: app.db)
            try await app.db.sql.raw("DROP TABLE \(ident: InvitationEvent.schema)").run()
            // when
            var thrown = 0
            for _ in 0..<BulkJobs.maximumErrors {
                do { try await jobs.runChunk(workerID: "w", on: app.db) } catch { thrown += 1 }
            }
            let afterwards = try await jobs.runChunk(workerID: "w", on: app.db)
            // then
            let progress = try #require(try await BulkJobs.progress(job.id, organizationID: fixture.organizationID, on: app.db))
            #expect(thrown == BulkJobs.maximumErrors && afterwards == nil)
            #expect(progress.status == .failed && progress.done == 0 && progress.finishedAt != nil)
            #expect(progress.problem?.contains("3 times in a row") == true, "\(progress.problem ?? "")")
            #expect(try await Invitation.query(on: app.db).filter(\.$status == .pending).count() == 3)
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == .invitationsBulkFinished).first()
            #expect(audit?.targetLabel.hasSuffix("(stopped)") == true, "\(audit?.targetLabel ?? "")")
        }
    }

    @Test("the console starts a job for a large selection and shows its progress page and JSON, with and without script, in the person's language")
    func consoleProgressPage() async throws {
        try await withHerald { app in
            // given: 250 pending join invitations, more than one request changes
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let emails = (0..<250).map { "c\($0)@example.com" }.joined(separator: "\n")
            _ = try await admin.post("/console/invitations/join", form: ["emails": emails], csrfFrom: "/console/invitations")
            let query = "action=revoke&kind=join&status=pending&older_than_days=&batch="
            // when
            let step = try await admin.get("/console/invitations/bulk?\(query)")
            let confirmed = try await admin.post("/console/invitations/bulk", form: ["action": "revoke", "kind": "join", "status": "pending", "confirm": "yes"],
                                                 csrfFrom: "/console/invitations/bulk?\(query)")
            let location = try #require(confirmed.headers.first(name: .location))
            let running = try await admin.get(location)
            let polled = try await admin.get(location + "/progress.json")
            let jobID = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
            _ = try await Self.drain(app, jobID, workers: ["console"])
            try await Account.query(on: app.db).set(\.$language, to: "de").update()
            let over = try await admin.get(location)
            let script = try await admin.get("/js/bulk-progress.js")
            // then
            #expect(step.body.string.contains("the work runs in the background"))
            #expect(confirmed.status == .seeOther && location.hasPrefix("/console/bulk-jobs/"))
            let page = running.body.string
            #expect(running.status == .ok)
            #expect(page.contains(#"<progress id="bulk-progress" aria-labelledby="bulk-progress-label" max="250" value="0">"#), "\(page)")
            #expect(page.contains(#"<noscript><meta http-equiv="refresh" content="3"></noscript>"#))
            #expect(page.contains(#"<script src="/js/bulk-progress.js" defer></script>"#))
            #expect(page.contains(#"id="bulk-reload" href="\#(location)""#))
            #expect(page.contains("Waiting to start"))
            let progress = try polled.content.decode(BulkJobProgress.self)
            #expect(progress.status == .queued && progress.total == 250 && progress.action == .revoke)
            #expect(over.body.string.contains(#"max="250" value="250""#))
            #expect(over.body.string.contains("Fortschritt") && over.body.string.contains("Abgeschlossen"))
            #expect(!over.body.string.contains("http-equiv=\"refresh\"") && !over.body.string.contains("bulk-progress.js"))
            #expect(script.status == .ok && script.body.string.contains("data-progress-url"))
            #expect(try await Invitation.query(on: app.db).filter(\.$status == .revoked).count() == 250)
        }
    }
}

import Fluent
import HeraldCore
import NIOConcurrencyHelpers
import Vapor

/// One directory import running (or run) after the request that uploaded it was answered.
///
/// A 100,000-row import takes many seconds; holding the upload's request open for all of it leaves the person
/// (or the API client) waiting on a silent connection that proxies and browsers may cut. The file is checked
/// while the request waits (a file with any problem imports nothing and is answered at once), then written in
/// the background; the console shows a page that refreshes itself with the rows done, and the API a job resource.
struct DirectoryImportJob: Content, Sendable {
    enum State: String, Codable, Sendable {
        case running, finished, failed
    }

    let id: UUID
    var state = State.running
    var rowsDone = 0
    let rowsTotal: Int
    var summary: DirectoryImport.Summary?
    /// Why a failed import stopped, in words for a person; the slices written before it stay imported.
    var problem: String?
    let startedAt: Date
    var finishedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, state, summary, problem
        case rowsDone = "rows_done", rowsTotal = "rows_total", startedAt = "started_at", finishedAt = "finished_at"
    }
}

/// The imports of the last hour, each visible only to its own organization.
///
/// Kept in memory: an import is the work of this process. If the process stops, the slices written stay and
/// importing the same file again completes the import (known emails are updated, memberships kept).
final class DirectoryImportJobs: Sendable {
    static let keptFor: TimeInterval = 3600

    private struct Entry {
        let organizationID: UUID
        var job: DirectoryImportJob
    }

    private let entries = NIOLockedValueBox<[UUID: Entry]>([:])

    /// Starts writing already validated rows and returns at once.
    func start(_ rows: [DirectoryUserCSV.Row], organizationID: UUID, actor: AuditActor, on db: any Database,
               logger: Logger) -> DirectoryImportJob {
        let job = DirectoryImportJob(id: UUID(), rowsTotal: rows.count, startedAt: Date())
        entries.withLockedValue { entries in
            entries = entries.filter { ($0.value.job.finishedAt ?? .distantFuture) > Date(timeIntervalSinceNow: -Self.keptFor) }
            entries[job.id] = Entry(organizationID: organizationID, job: job)
        }
        Task {
            do {
                let summary = try await DirectoryImport.write(rows, organizationID: organizationID, actor: actor, on: db) { done, _ in
                    self.update(job.id) { $0.rowsDone = done }
                }
                update(job.id) { $0.state = .finished; $0.summary = summary; $0.finishedAt = Date() }
            } catch {
                logger.error("Directory import stopped", metadata: ["job": "\(job.id)", "error": "\(String(reflecting: error))"])
                update(job.id) {
                    $0.state = .failed
                    $0.finishedAt = Date()
                    $0.problem = "the import stopped after \($0.rowsDone) of \($0.rowsTotal) rows because the database refused a write; the rows before stay imported, and importing the same file again completes it"
                }
            }
        }
        return job
    }

    /// The job, if it exists and belongs to the organization (another organization's job is as good as absent).
    func job(_ id: UUID?, organizationID: UUID) -> DirectoryImportJob? {
        guard let id else { return nil }
        return entries.withLockedValue { entries in
            entries[id].flatMap { $0.organizationID == organizationID ? $0.job : nil }
        }
    }

    /// Returns once no import is running (tests wait for their imports with it).
    func allFinished() async throws {
        while entries.withLockedValue({ $0.values.contains { $0.job.state == .running } }) {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func update(_ id: UUID, _ change: (inout DirectoryImportJob) -> Void) {
        entries.withLockedValue { entries in
            if entries[id] != nil { change(&entries[id]!.job) }
        }
    }
}

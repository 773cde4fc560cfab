import Fluent
import Foundation
import LDAP
import Logging
import NIOCore

/// One sync of an organization's directory from its LDAP server: users page by page, then groups, then the records
/// the directory no longer has. Runs under `DirectorySyncLease`, so several instances on one database never sync
/// one organization twice at once; the report (`DirectorySyncRun`) is written as it goes and finished at the end,
/// and the audit log gets one `directory.synced` event with the counts.
struct LDAPDirectorySync {
    /// Entries asked for per page: Active Directory's most.
    static let pageSize = 1000
    /// Entries written per transaction.
    static let writeBatch = 5000
    /// Skipped entries kept in the report word for word; the rest are counted.
    static let warningsKept = 20

    let organizationID: UUID
    let connection: LDAPConnectionSettings
    let deprovisioning: DirectoryDeprovisioning
    /// New members of groups with an auto-invite rule are invited once the directory is written.
    let autoInvites: DirectoryAutoInvites
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    let holder: String

    enum Refusal: Error {
        /// Another instance or request is syncing this organization.
        case alreadyRunning
    }

    func run(trigger: DirectorySyncRun.Trigger, on db: any Database, now: Date = Date()) async throws -> DirectorySyncRun {
        let lease = DirectorySyncLease(organizationID: organizationID, holder: holder)
        guard try await lease.acquire(on: db, now: now) else { throw Refusal.alreadyRunning }
        let report = DirectorySyncRun(organizationID: organizationID, trigger: trigger, startedAt: now)
        try await report.create(on: db)
        var warnings: [SkippedEntry] = []
        do {
            warnings = try await sync(report: report, lease: lease, on: db)
            report.status = .succeeded
        } catch {
            report.status = .failed
            report.error = (error as? LDAPError)?.explanation ?? (error as? SyncFailure)?.message ?? "the sync stopped: \(String(describing: type(of: error)))"
            logger.warning("directory sync failed", metadata: ["organization": "\(organizationID)", "error": "\(String(reflecting: error))"])
        }
        report.finishedAt = Date()
        report.warningCount = warnings.count
        report.warnings = warnings.prefix(Self.warningsKept).map(\.line).joined(separator: "\n").nilIfEmpty
        let summary = Self.summary(report)
        let succeeded = report.status == .succeeded
        try await db.transaction { db in
            try await report.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: .directorySync(source: "LDAP sync"), action: .directorySynced,
                                      targetType: "directory", targetLabel: "LDAP sync", details: summary)
            try await WebhookEvents.emit(.directorySyncFinished, organizationID: organizationID, on: db) {
                WebhookPayload.DirectorySync(source: "ldap", succeeded: succeeded, summary: summary)
            }
        }
        let interval = connection.syncIntervalMinutes
        try await lease.release(nextSyncAt: interval > 0 ? Date().addingTimeInterval(TimeInterval(interval * 60)) : nil, on: db)
        return report
    }

    struct SyncFailure: Error { let message: String }

    private func sync(report: DirectorySyncRun, lease: DirectorySyncLease, on db: any Database) async throws -> [SkippedEntry] {
        let client = try await connection.connect(group: eventLoopGroup, logger: logger)
        defer { Task { await client.close() } }
        let mapping = connection.mapping
        let users = LDAPSyncUsers(organizationID: organizationID, deprovisioning: deprovisioning,
                                  actor: .directorySync(source: "LDAP sync"), now: Date())
        let clock = ContinuousClock(), started = clock.now
        func phase(_ name: String) { logger.debug("directory sync: \(name) after \(clock.now - started)", metadata: ["organization": "\(organizationID)"]) }
        var seen = LDAPSyncUsers.Seen(), skipped: [SkippedEntry] = [], page: [SyncedUser] = []
        page.reserveCapacity(Self.writeBatch)
        let userSearch = LDAPSearchRequest(baseDN: connection.userBaseDN, filter: mapping.userFilter,
                                           attributes: mapping.userAttributes, pageSize: Self.pageSize)
        // A page is written while the next one is read: the directory server and Herald's database work at once.
        // At most one write is in flight, and the next starts only after it, so pages are written in order.
        try await withThrowingTaskGroup(of: LDAPSyncUsers.PageWritten.self) { writing in
            var inFlight = false
            func startWriting(_ page: [SyncedUser]) async throws {
                if inFlight, let done = try await writing.next() { done.record(into: &seen, report: report) }
                guard try await lease.renew(on: db, now: Date()) else { throw SyncFailure(message: "another instance took over this sync") }
                let fresh = users.admit(page, seen: &seen, skipped: &skipped)
                writing.addTask { try await users.write(fresh, on: db) }
                inFlight = true
            }
            for try await entry in try client.search(userSearch) {
                do throws(SkippedEntry) { page.append(try mapping.user(from: entry)) } catch { skipped.append(error) }
                guard page.count == Self.writeBatch else { continue }
                try await startWriting(page)
                page.removeAll(keepingCapacity: true)
            }
            try await startWriting(page)
            if let done = try await writing.next() { done.record(into: &seen, report: report) }
        }
        phase("people read and written")
        var groups: [SyncedGroup] = []
        let groupSearch = LDAPSearchRequest(baseDN: connection.groupBaseDN, filter: mapping.groupFilter,
                                            attributes: mapping.groupAttributes, pageSize: Self.pageSize)
        for try await entry in try client.search(groupSearch) {
            do throws(SkippedEntry) { groups.append(try mapping.group(from: entry)) } catch { skipped.append(error) }
        }
        phase("groups read")
        skipped += try await LDAPSyncGroups(organizationID: organizationID, now: users.now).write(groups, users: seen, report: report, on: db)
        phase("groups written")
        // Only after both searches finished: a sync cut short must not take a partial answer for people removed.
        try await users.removeUnseen(seen, report: report, on: db)
        phase("removed people marked")
        try await autoInvites.run(organizationID: organizationID, actor: .directorySync(source: "LDAP sync"), on: db)
        return skipped
    }

    static func summary(_ run: DirectorySyncRun) -> String {
        var parts = ["users: \(run.usersAdded) added, \(run.usersUpdated) updated, \(run.usersDisabled) disabled, \(run.usersRemoved) removed",
                     "groups: \(run.groupsAdded) added, \(run.groupsUpdated) updated, \(run.groupsRemoved) removed"]
        if run.warningCount > 0 { parts.append("\(run.warningCount) entries skipped") }
        if let error = run.error { parts.append("failed: \(error)") }
        return parts.joined(separator: "; ")
    }
}

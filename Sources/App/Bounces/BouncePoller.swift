import Fluent
import Foundation
import HeraldCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import POP3
import SQLKit

/// Reads each organization's bounce mailbox every poll interval (`herald serve`): every message is fetched over
/// POP3, parsed (`BounceParser`), recorded (`BounceRecorder`) and deleted. A message that is no bounce, or a bounce
/// of no message of the organization, is deleted unrecorded: the mailbox is Herald's alone. A message whose
/// recording failed (the database was away) stays for the next poll, and deletions happen only at QUIT, so a poll
/// cut off deletes nothing it has not recorded.
///
/// One poll per organization at a time across instances: a poll first takes the lease on the organization's
/// `bounce_settings` row in one conditional UPDATE (as `DirectorySyncLease` does for LDAP syncs).
final class BouncePoller: Sendable {
    /// How often due mailboxes are looked for: below the shortest poll interval, so a bounce lands within one.
    static let tick: Duration = .seconds(2)
    /// Longer than a poll of `messagesPerPoll` messages can take.
    static let leaseDuration: TimeInterval = 10 * 60
    /// Messages read per poll; the rest wait for the next one.
    static let messagesPerPoll = 500

    let recorder: BounceRecorder
    let secretBox: SecretBox
    /// The operator's limit (`HERALD_POP3_ALLOWED_HOSTS`), checked again at every poll: a mailbox saved before the
    /// list narrowed is not connected to.
    let servers: ServerPolicy
    let group: any EventLoopGroup
    let logger: Logger
    let holder = "poller-\(UUID().uuidString.prefix(8).lowercased())"
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(recorder: BounceRecorder, secretBox: SecretBox, servers: ServerPolicy, group: any EventLoopGroup, logger: Logger) {
        self.recorder = recorder
        self.secretBox = secretBox
        self.servers = servers
        self.group = group
        self.logger = logger
    }

    func start(database: any Database, clock: any WallClock) {
        let loop = Task {
            while !Task.isCancelled {
                await self.pollDue(on: database, now: clock.now)
                try? await Task.sleep(for: Self.tick)
            }
        }
        task.withLockedValue { $0 = loop }
    }

    func stop() async {
        let running = task.withLockedValue { task in defer { task = nil }; return task }
        running?.cancel()
        await running?.value
    }

    func pollDue(on db: any Database, now: Date) async {
        do {
            let due = try await BounceSettings.query(on: db).filter(\.$host != nil)
                .group(.or) { $0.filter(\.$nextPollAt == nil).filter(\.$nextPollAt <= now) }.all()
            for settings in due { _ = try await poll(organizationID: settings.$organization.id, on: db, now: now, onlyWhenDue: true) }
        } catch {
            logger.warning("bounce mailbox polls could not run", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// Polls one organization's mailbox; nil when another poll holds it (or, `onlyWhenDue`, it is not due).
    func poll(organizationID: UUID, on db: any Database, now: Date = Date(), onlyWhenDue: Bool = false) async throws -> String? {
        guard let settings = try await acquire(organizationID, onlyWhenDue: onlyWhenDue, on: db, now: now) else { return nil }
        let result: String
        do {
            result = try await read(settings, organizationID: organizationID, on: db)
        } catch let error as POP3Error {
            result = "failed: \(error.message)"
        } catch {
            result = "failed: \(error)"
            logger.warning("bounce mailbox poll failed", metadata: ["organization": "\(organizationID)", "error": "\(String(reflecting: error))"])
        }
        try await db.sql.raw("""
            UPDATE \(ident: BounceSettings.schema) SET poll_lease_until = NULL, poll_lease_holder = NULL,
                next_poll_at = \(bind: Date().addingTimeInterval(TimeInterval(settings.pollIntervalSeconds))),
                last_poll_at = \(bind: now), last_poll_result = \(bind: String(result.prefix(500)))
            WHERE organization_id = \(bind: organizationID) AND poll_lease_holder = \(bind: holder)
            """).run()
        return result
    }

    private func acquire(_ organizationID: UUID, onlyWhenDue: Bool, on db: any Database, now: Date) async throws -> BounceSettings? {
        let due: SQLQueryString = onlyWhenDue ? " AND (next_poll_at IS NULL OR next_poll_at <= \(bind: now))" : ""
        let rows = try await db.sql.raw("""
            UPDATE \(ident: BounceSettings.schema) SET poll_lease_until = \(bind: now.addingTimeInterval(Self.leaseDuration)),
                poll_lease_holder = \(bind: holder)
            WHERE organization_id = \(bind: organizationID) AND host IS NOT NULL
              AND (poll_lease_until IS NULL OR poll_lease_until < \(bind: now))\(due)
            RETURNING id
            """).all()
        guard !rows.isEmpty else { return nil }
        return try await BounceSettings.query(on: db).filter(\.$organization.$id == organizationID).first()
    }

    private func read(_ settings: BounceSettings, organizationID: UUID, on db: any Database) async throws -> String {
        let configuration = try BounceSettingsStore.pop3Configuration(settings, secretBox: secretBox, servers: servers)
        let mailbox = try await POP3Connection.connect(to: configuration, group: group, logger: logger)
        var bounces = 0, unmatched = 0, other = 0
        do {
            for (number, _) in try await mailbox.uniqueIDs().prefix(Self.messagesPerPoll) {
                let message = try await mailbox.retrieve(number)
                if let report = BounceParser.parse(message) {
                    let recorded = try await recorder.record(report, organizationID: organizationID, on: db)
                    if recorded.isEmpty { unmatched += 1 } else { bounces += recorded.count }
                } else {
                    other += 1
                }
                try await mailbox.delete(number)
            }
            try await mailbox.quit()
        } catch {
            // Closing without QUIT: what was marked for deletion stays, and is read (and found recorded) next time.
            await mailbox.close()
            throw error
        }
        return "\(bounces) bounces recorded, \(unmatched) reports of no message of this organization, \(other) other messages deleted"
    }
}

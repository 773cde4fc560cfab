import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Starts LDAP syncs for the console, the API, the command line and the schedule, with the same checks: the
/// organization's directory is provisioned by LDAP, and no other sync of it is running (409, saying since when).
struct DirectorySyncService {
    let services: HeraldServices
    /// Names this process in the lease: which instance holds a sync.
    static let holder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"

    func sync(organizationID: UUID, trigger: DirectorySyncRun.Trigger, on db: any Database) async throws -> DirectorySyncRun {
        let provisioning = try await DirectorySettingsStore.provisioning(of: organizationID, on: db)
        guard provisioning == .ldap else {
            throw Abort(.conflict, reason: "source: the directory is provisioned by \(provisioning.label); set its source to LDAP sync before syncing")
        }
        let connection = try await LDAPSettingsStore(box: services.secretBox, servers: services.configuration.ldapServers).connection(of: organizationID, on: db)
        let sync = LDAPDirectorySync(organizationID: organizationID, connection: connection,
                                     deprovisioning: DirectoryDeprovisioning(services: services),
                                     autoInvites: DirectoryAutoInvites(services: services),
                                     eventLoopGroup: services.eventLoopGroup, logger: services.logger, holder: Self.holder)
        do {
            return try await sync.run(trigger: trigger, on: db)
        } catch LDAPDirectorySync.Refusal.alreadyRunning {
            let since = try await DirectorySyncRun.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$status == .running).sort(\.$startedAt, .descending).first()?.startedAt
            throw Abort(.conflict, reason: "sync: a sync of this directory is already running\(since.map { " (started \(DisplayDate.format($0)))" } ?? ""); wait for it to finish")
        }
    }

    /// The organization's latest syncs, newest first.
    static func recentRuns(of organizationID: UUID, limit: Int = 10, on db: any Database) async throws -> [DirectorySyncRun] {
        try await DirectorySyncRun.query(on: db).filter(\.$organization.$id == organizationID)
            .sort(\.$startedAt, .descending).limit(limit).all()
    }
}

/// Runs the syncs that are due, once a minute, in `herald serve`. Every instance runs one; the lease makes sure an
/// organization is synced by one of them at a time, and `next_sync_at` moves on when a sync ends.
final class DirectorySyncScheduler: Sendable {
    static let tick: Duration = .seconds(60)
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func start(services: HeraldServices, database: any Database) {
        let loop = Task {
            while !Task.isCancelled {
                await Self.runDue(services: services, database: database, now: Date())
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

    static func runDue(services: HeraldServices, database: any Database, now: Date) async {
        do {
            let due = try await LDAPSettings.query(on: database).filter(\.$syncIntervalMinutes > 0).filter(\.$nextSyncAt <= now).all()
            for settings in due {
                do {
                    _ = try await DirectorySyncService(services: services).sync(organizationID: settings.$organization.id, trigger: .schedule, on: database)
                } catch let abort as any AbortError where abort.status == .conflict {
                    // Not provisioned by LDAP any more, or another instance is on it: nothing to do now.
                }
            }
        } catch {
            services.logger.warning("scheduled directory syncs could not run", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}

import Fluent
import Foundation
import HeraldCore
import Logging

/// Frees the seats of leased keys whose computers missed their heartbeat window: each such installation becomes
/// "lapsed", with an audit event, in a task of its own (`herald serve`) every few minutes.
///
/// Safe with several Herald instances on one database: each key is swept under its `SeatLock` (on PostgreSQL the
/// key row's `FOR UPDATE`), and the installations to lapse are read again under it, so a second instance sweeping
/// the same key at the same moment finds nothing left to do, and a heartbeat that arrived in between keeps its seat.
final class LeaseSweeper: Sendable {
    private let task = PeriodicTask()

    static let interval: TimeInterval = 5 * 60

    /// Lapses every overdue leased seat as of `now`; returns how many.
    @discardableResult
    static func sweep(seatLock: SeatLock, now: Date, on db: any Database) async throws -> Int {
        let keys = try await LicenseKey.query(on: db).filter(\.$seatMode == .leased).all()
        var lapsed = 0
        for key in keys {
            let keyID = try key.requireID()
            let cutoff = SeatLease.cutoff(now: now, windowDays: key.leaseWindow ?? SeatLease.defaultWindowDays)
            // Without the lock first: most sweeps find nothing, and then take no key's turn.
            guard try await overdue(keyID: keyID, cutoff: cutoff, on: db).count() > 0 else { continue }
            lapsed += try await seatLock.withKeyLocked(keyID, on: db) { db in
                // Read again under the lock: the window may have changed, another instance may have swept.
                guard let key = try await LicenseKey.find(keyID, on: db), let window = key.leaseWindow else { return 0 }
                let overdue = try await overdue(keyID: keyID, cutoff: SeatLease.cutoff(now: now, windowDays: window), on: db).all()
                for installation in overdue {
                    installation.status = .lapsed
                    installation.deactivatedAt = now
                    try await installation.save(on: db)
                    try await AuditLog.record(
                        on: db, installation: installation, key: key, action: .installationLapsed,
                        details: "key \(key.name): no check-in since \(DisplayDate.format(installation.lastSeenAt ?? installation.activatedAt)) "
                            + "(window \(window) days), seat freed"
                    )
                }
                return overdue.count
            }
        }
        return lapsed
    }

    private static func overdue(keyID: UUID, cutoff: Date, on db: any Database) -> QueryBuilder<Installation> {
        Installation.query(on: db).filter(\.$licenseKey.$id == keyID).filter(\.$status == .active).filter(\.$lastSeenAt < cutoff)
    }

    func start(seatLock: SeatLock, clock: any WallClock, database: any Database, logger: Logger) {
        task.start(every: Self.interval, name: "lease sweep", logger: logger) {
            try await Self.sweep(seatLock: seatLock, now: clock.now, on: database)
        }
    }

    func stop() async { await task.stop() }
}

import Fluent
import Foundation
import HeraldCore
import Logging

/// Emails a key's administrators 30 and 7 days before the key expires, once per step, in a task of its own
/// (`herald serve`) every hour: nothing else happens to a quiet key that would notice its expiry coming.
///
/// Safe with several Herald instances on one database: the warning is recorded and mailed by `SeatAlerts` under the
/// key's `SeatLock`, and its unique (key, alert) row lets only one of two instances sweeping at once send it.
final class ExpiryWarnings: Sendable {
    private let task = PeriodicTask()

    static let interval: TimeInterval = 60 * 60

    /// Checks every key whose expiry is within 30 days and that still lacks a warning due; returns how many keys.
    @discardableResult
    static func sweep(seatLock: SeatLock, alerts: SeatAlerts, on db: any Database) async throws -> Int {
        let now = alerts.clock.now
        let keys = try await LicenseKey.query(on: db).filter(\.$expiresAt > now)
            .filter(\.$expiresAt <= now.addingTimeInterval(30 * SeatAlert.day)).all()
        var checked = 0
        for key in keys {
            let keyID = try key.requireID()
            let due = SeatAlert.expiryDue(expiresAt: key.expiresAt, now: now)
            let sent = try await SeatAlertRecord.query(on: db).filter(\.$licenseKey.$id == keyID).all().map(\.alert)
            // Without the lock first: most rounds find every warning sent, and then take no key's turn.
            guard !due.subtracting(sent).isEmpty else { continue }
            // The lock's alert check records the warning and queues its emails in one transaction.
            try await seatLock.withKeyLocked(keyID, on: db) { _ in }
            checked += 1
        }
        return checked
    }

    func start(seatLock: SeatLock, alerts: SeatAlerts, database: any Database, logger: Logger) {
        task.start(every: Self.interval, name: "expiry warnings", logger: logger) {
            try await Self.sweep(seatLock: seatLock, alerts: alerts, on: database)
        }
    }

    func stop() async { await task.stop() }
}

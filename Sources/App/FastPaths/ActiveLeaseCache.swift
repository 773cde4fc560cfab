import Foundation
import HeraldCore
import NIOConcurrencyHelpers

/// PostgreSQL: heartbeats of seats seen a moment ago answered from memory, without reading the installation again.
///
/// A leased computer checks in over and over; within `SeatLease.recordingGranularity` of its last recorded check-in
/// the answer only repeats that moment, as long as the seat is still active and its key unchanged. Whether it is
/// is what PostgreSQL tells every instance: triggers (`CreateInstallationChangeNotifications`) `NOTIFY` each change of
/// an installation's status and of a key's lease terms, and `InstallationChangeListener` forgets the entries they
/// name. The cache answers only while that listener is connected; it is emptied whenever the listener is not, so no
/// change missed while disconnected is ever answered from it. An answer can lag a change committed on another
/// connection by the time the notification takes to arrive (loopback: well under a millisecond), as a read that ran
/// just before that commit would.
///
/// The plain path is the read in `InstallationCheckIn.heartbeat` (`InstallationCheckIn(leases: nil)`, and every
/// check-in on SQLite, whose reads are on the calling thread already); `ActiveLeaseCacheTests` compares them.
final class ActiveLeaseCache: Sendable {
    struct Lease: Sendable, Equatable {
        let licenseKeyID: UUID
        let lastSeenAt: Date
        /// The key's lease window in days; nil for node-locked keys.
        let windowDays: Int?
        let keyExpiresAt: Date?
    }

    private struct State {
        var leases: [UUID: Lease] = [:]
        /// Bumped by every change heard and every change of `serving`: a lease read before a bump is not stored.
        var generation: UInt64 = 0
        var serving = false
        /// Heartbeats answered from memory since start.
        var answered = 0
    }

    /// Past this many entries the cache starts again empty: memory stays bounded by a fleet's size, not its age.
    static let largestSize = 200_000

    private let state = NIOLockedValueBox(State())

    /// A ticket taken before reading an installation: `remember` stores what was read only if nothing changed since.
    struct Ticket: Sendable { fileprivate let generation: UInt64 }

    func ticket() -> Ticket {
        Ticket(generation: state.withLockedValue { $0.generation })
    }

    /// The remembered lease, if the listener is connected and the seat was recorded within the granularity of `now`.
    func lease(installationID: UUID, now: Date) -> Lease? {
        state.withLockedValue { state in
            guard state.serving, let lease = state.leases[installationID] else { return nil }
            guard lease.lastSeenAt <= now, now.timeIntervalSince(lease.lastSeenAt) < SeatLease.recordingGranularity else { return nil }
            if let expiry = lease.keyExpiresAt, now >= expiry { return nil }
            state.answered += 1
            return lease
        }
    }

    /// An active seat just read or recorded, kept unless a change was heard since `ticket` was taken.
    func remember(_ lease: Lease, installationID: UUID, ticket: Ticket) {
        state.withLockedValue { state in
            guard state.serving, state.generation == ticket.generation else { return }
            if state.leases.count >= Self.largestSize { state.leases.removeAll(keepingCapacity: true) }
            state.leases[installationID] = lease
        }
    }

    /// What a notification names: one installation, or every installation of a key.
    enum Change: Equatable {
        case installation(UUID)
        case licenseKey(UUID)

        /// The payload the triggers send: the installation's id, or `key:` and the key's id.
        init?(payload: String) {
            if payload.hasPrefix("key:") {
                guard let id = UUID(uuidString: String(payload.dropFirst(4))) else { return nil }
                self = .licenseKey(id)
            } else {
                guard let id = UUID(uuidString: payload) else { return nil }
                self = .installation(id)
            }
        }
    }

    func forget(_ change: Change) {
        state.withLockedValue { state in
            state.generation &+= 1
            switch change {
            case .installation(let id): state.leases[id] = nil
            case .licenseKey(let id): state.leases = state.leases.filter { $0.value.licenseKeyID != id }
            }
        }
    }

    /// A notification that could not be read: forget everything rather than guess.
    func forgetAll() {
        state.withLockedValue { state in
            state.generation &+= 1
            state.leases.removeAll()
        }
    }

    /// The listener connected (true) or lost its connection (false); either way nothing remembered before is kept.
    func setServing(_ serving: Bool) {
        state.withLockedValue { state in
            state.generation &+= 1
            state.leases.removeAll()
            state.serving = serving
        }
    }

    var isServing: Bool { state.withLockedValue { $0.serving } }
    var count: Int { state.withLockedValue { $0.leases.count } }
    var answered: Int { state.withLockedValue { $0.answered } }
}

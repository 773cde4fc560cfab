import Fluent
import Foundation
import HeraldCore
import SQLKit

/// What an installed computer does with its seat after activation, authenticated by its installation key
/// (`InstallationKeys`): check in (a heartbeat, which keeps a leased seat and takes a lapsed one back when a seat is
/// free) and deactivate itself (frees the seat, within the key's monthly limit).
///
/// Everything that changes who holds a seat runs under the key's `SeatLock`, as activation does, so seats are never
/// overused and two requests racing for the last seat get one seat and one 409, never a 500.
struct InstallationCheckIn: Sendable {
    let seatLock: SeatLock
    /// The heartbeat's read, on SQLite on the calling thread (`HotReads`).
    let reads: HotReads
    let clock: any WallClock
    /// Check-ins' writes committed together (`HeartbeatWrites`); nil writes each on its own.
    let writes: HeartbeatWrites?
    /// PostgreSQL: check-ins' reads answered together (`HeartbeatReads`); nil reads each on its own.
    let groupedReads: HeartbeatReads?
    /// PostgreSQL: seats seen a moment ago answered from memory (`ActiveLeaseCache`); nil reads every check-in.
    let leases: ActiveLeaseCache?

    init(seatLock: SeatLock, reads: HotReads, clock: any WallClock, writes: HeartbeatWrites?, groupedReads: HeartbeatReads?,
         leases: ActiveLeaseCache? = nil) {
        self.seatLock = seatLock
        self.reads = reads
        self.clock = clock
        self.writes = writes
        self.groupedReads = groupedReads
        self.leases = leases
    }

    /// With the fast paths on `database`: grouped reads and answers from memory only where reads are not on the
    /// calling thread (PostgreSQL).
    init(seatLock: SeatLock, reads: HotReads, clock: any WallClock, database: any Database, leases: ActiveLeaseCache) {
        let onThisThread = reads.readsOnThisThread
        self.init(seatLock: seatLock, reads: reads, clock: clock, writes: HeartbeatWrites(database: database),
                  groupedReads: onThisThread ? nil : HeartbeatReads(database: database, selection: Self.selection),
                  leases: onThisThread ? nil : leases)
    }

    /// The answer to a heartbeat.
    struct HeartbeatAnswer: Sendable, Equatable {
        let status: InstallationStatus
        let lastSeenAt: Date
        /// When the seat lapses without another check-in; nil for node-locked keys.
        let leaseExpiresAt: Date?
        /// The seat had lapsed and this check-in took one back.
        let resumed: Bool

        /// An active seat seen at `seen`, under a key leasing for `window` days (nil: node-locked).
        init(seen: Date, window: Int?, resumed: Bool) {
            status = .active
            lastSeenAt = seen
            leaseExpiresAt = window.map { SeatLease.expiry(lastSeen: seen, windowDays: $0) }
            self.resumed = resumed
        }
    }

    /// One indexed read: the installation and what its key says about seats.
    private struct Row: Decodable {
        let status: InstallationStatus
        let license_key_id: UUID
        let last_seen_at: Date?
        let seat_mode: SeatMode
        let lease_window_days: Int?
        let expires_at: Date?
    }

    func heartbeat(installationID: UUID, on db: any Database) async throws -> HeartbeatAnswer {
        let now = Self.wholeSeconds(clock.now)
        if let remembered = leases?.lease(installationID: installationID, now: now) {
            return HeartbeatAnswer(seen: remembered.lastSeenAt, window: remembered.windowDays, resumed: false)
        }
        let ticket = leases?.ticket()
        let row = try await read(installationID, on: db)
        if let expiry = row.expires_at, now >= expiry { throw ActivationError.keyExpired(expiry) }
        let window = row.seat_mode == .leased ? row.lease_window_days ?? SeatLease.defaultWindowDays : nil
        let remember = { (seen: Date) in
            if let leases, let ticket {
                let lease = ActiveLeaseCache.Lease(licenseKeyID: row.license_key_id, lastSeenAt: seen, windowDays: window, keyExpiresAt: row.expires_at)
                leases.remember(lease, installationID: installationID, ticket: ticket)
            }
        }
        switch row.status {
        case .active:
            if let seen = row.last_seen_at, seen <= now, now.timeIntervalSince(seen) < SeatLease.recordingGranularity {
                // Recorded moments ago; the sweep cannot lapse a seat seen within a day.
                remember(seen)
                return HeartbeatAnswer(seen: seen, window: window, resumed: false)
            }
            // The common case, one write; the status is part of it, because the sweep may have lapsed the seat since
            // the read, and then the seat is taken back under the lock below like any lapsed one.
            let recorded = if let writes { try await writes.recordSeen(installationID: installationID, at: now) }
                else { try await Self.recordSeenOneByOne(installationID: installationID, at: now, on: db) }
            if recorded {
                remember(now)
                return HeartbeatAnswer(seen: now, window: window, resumed: false)
            }
        case .lapsed: break
        case .deactivated: throw ActivationError.installationDeactivated
        case .blocked: throw ActivationError.computerBlocked
        }
        return try await resume(installationID: installationID, keyID: row.license_key_id, now: now, on: db)
    }

    /// `last_seen_at` of an active installation, in a statement of its own. False if it is not active any more.
    static func recordSeenOneByOne(installationID: UUID, at now: Date, on db: any Database) async throws -> Bool {
        try await !db.sql.raw("""
            UPDATE \(ident: Installation.schema) SET last_seen_at = \(bind: now)
            WHERE id = \(bind: installationID) AND status = \(bind: InstallationStatus.active) RETURNING id
            """).all().isEmpty
    }

    /// A lapsed seat taken back, if one is free: the same installation and certificate as before.
    private func resume(installationID: UUID, keyID: UUID, now: Date, on db: any Database) async throws -> HeartbeatAnswer {
        try await seatLock.withKeyLocked(keyID, on: db) { db in
            guard let installation = try await Installation.find(installationID, on: db), let key = try await LicenseKey.find(keyID, on: db)
            else { throw ActivationError.wrongInstallationKey }
            let window = key.leaseWindow
            let resumed = try await Self.resume(installation, key: key, now: now, on: db)
            return HeartbeatAnswer(seen: now, window: window, resumed: resumed)
        }
    }

    /// Under the key's lock: marks `installation` seen now, taking a seat back if it had lapsed. True if it had.
    /// Also how a lapsed computer that activates again with its code gets its seat back (`Activation`).
    static func resume(_ installation: Installation, key: LicenseKey, now: Date, on db: any Database) async throws -> Bool {
        switch installation.status {
        case .active:
            installation.lastSeenAt = now
            try await installation.save(on: db)
            return false
        case .deactivated: throw ActivationError.installationDeactivated
        case .blocked: throw ActivationError.computerBlocked
        case .lapsed: break
        }
        let keyID = try key.requireID()
        let used = try await Installation.query(on: db).filter(\.$licenseKey.$id == keyID).filter(\.$status == .active).count()
        guard key.seatPolicy.canActivate(seats: key.seats, used: used) else {
            throw ActivationError.lapsedNoFreeSeat(windowDays: key.leaseWindow ?? SeatLease.defaultWindowDays)
        }
        installation.status = .active
        installation.excess = key.seatPolicy.isExcess(seatNumber: used + 1, seats: key.seats)
        installation.lastSeenAt = now
        installation.deactivatedAt = nil
        try await installation.save(on: db)
        try await AuditLog.record(
            on: db, installation: installation, key: key, action: .installationResumed,
            details: "key \(key.name), seat \(used + 1) of \(key.seats) taken back after its lease lapsed"
        )
        return true
    }

    /// The computer frees its own seat (`herald activate --deactivate`). Deactivating again is not an error: the
    /// answer is the same, and it is not counted twice.
    func deactivate(installationID: UUID, on db: any Database) async throws {
        let now = Self.wholeSeconds(clock.now)
        let row = try await read(installationID, on: db)
        try await seatLock.withKeyLocked(row.license_key_id, on: db) { db in
            guard let installation = try await Installation.find(installationID, on: db),
                  let key = try await LicenseKey.find(row.license_key_id, on: db)
            else { throw ActivationError.wrongInstallationKey }
            switch installation.status {
            case .deactivated: return
            case .blocked: throw ActivationError.computerBlocked
            case .active, .lapsed: break
            }
            guard key.deactivationsPerMonth > 0 else { throw ActivationError.clientDeactivationOff }
            let keyID = try key.requireID()
            let earlier = try await Installation.query(on: db).filter(\.$licenseKey.$id == keyID)
                .filter(\.$fingerprint == installation.fingerprint).filter(\.$deactivatedByClient == true)
                .filter(\.$deactivatedAt > now.addingTimeInterval(-SeatLease.deactivationPeriod)).all()
                .compactMap(\.deactivatedAt)
            if let wait = SeatLease.deactivationWait(earlier: earlier, limit: key.deactivationsPerMonth, now: now) {
                throw ActivationError.deactivationLimit(count: earlier.count, until: now.addingTimeInterval(wait), wait: wait)
            }
            let held = installation.status == .active
            installation.status = .deactivated
            installation.deactivatedAt = now
            installation.deactivatedByClient = true
            try await installation.save(on: db)
            try await AuditLog.record(
                on: db, installation: installation, key: key, action: .installationDeactivated,
                details: "by the computer itself (\(earlier.count + 1) of \(key.deactivationsPerMonth) in 30 days), key \(key.name), "
                    + (held ? "seat freed, " : "lapsed seat, ") + "certificate \(installation.certificateSerial) revoked"
            )
        }
    }

    private static let selection = """
        SELECT n.id, n.status, n.license_key_id, n.last_seen_at, k.seat_mode, k.lease_window_days, k.expires_at
        FROM installations n JOIN license_keys k ON k.id = n.license_key_id
        WHERE n.id
        """

    private func read(_ installationID: UUID, on db: any Database) async throws -> Row {
        let row: (any SQLRow)?
        if reads.readsOnThisThread {
            // SQLite keeps UUIDs as their uppercase text.
            row = try reads.firstOnThisThread(Self.selection + " = $1", [installationID.uuidString])
        } else {
            // PostgreSQL compares the uuid column with a uuid, not text: SQLKit binds the UUID itself.
            row = if let groupedReads { try await groupedReads.row(installationID: installationID) }
                else { try await db.sql.raw("\(unsafeRaw: Self.selection) = \(bind: installationID)").first() }
        }
        // Its key was right, so the installation existed: it was deleted with its organization.
        guard let row else { throw ActivationError.wrongInstallationKey }
        return try row.decode(model: Row.self)
    }

    /// Whole seconds, as activation stores times: what a client is told is what was stored.
    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}

import Fluent
import Foundation
import HeraldCore

/// A key's seat policy as an administrator sets it from the console, the API (`PUT .../seat-policy`) or
/// `herald license policy`, validated in one place so that all three name the same fields. A field left out keeps
/// the key's current value.
struct SeatPolicyInput: Sendable {
    var seatMode: String?
    var leaseWindowDays: Int?
    var deactivationsPerMonth: Int?
    /// Percent over the seats that may still activate, flagged as excess (`SeatPolicy`).
    var overagePercent: Int?

    init(seatMode: String? = nil, leaseWindowDays: Int? = nil, deactivationsPerMonth: Int? = nil, overagePercent: Int? = nil) {
        self.seatMode = seatMode
        self.leaseWindowDays = leaseWindowDays
        self.deactivationsPerMonth = deactivationsPerMonth
        self.overagePercent = overagePercent
    }

    /// From text (console forms, command-line options): empty keeps the key's value; anything not a whole number
    /// (letters, "1e3", more digits than an Int holds) is out of range, and the validator names the field.
    init(text seatMode: String?, leaseWindowDays: String?, deactivationsPerMonth: String?, overagePercent: String?) {
        func number(_ text: String?) -> Int? {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return Int(text) ?? -1
        }
        self.init(seatMode: seatMode, leaseWindowDays: number(leaseWindowDays), deactivationsPerMonth: number(deactivationsPerMonth),
                  overagePercent: number(overagePercent))
    }

    /// The policy of a key being created: what is left out takes the defaults (node-locked, no overage).
    func validateForNewKey() -> Result<Validated, ValidationProblems> {
        validate(current: LicenseKey())
    }

    struct Validated: Sendable, Equatable {
        let seatMode: SeatMode
        /// Nil for node-locked keys.
        let leaseWindowDays: Int?
        let deactivationsPerMonth: Int
        let overagePercent: Int

        /// For the audit log: "leased, 7-day heartbeat window, 3 deactivations from the client per 30 days, 10 % overage".
        var summary: String {
            let mode = leaseWindowDays.map { "leased, \($0)-day heartbeat window" } ?? "node-locked"
            return "\(mode), \(deactivationsPerMonth) deactivations from the client per 30 days"
                + (overagePercent > 0 ? ", \(overagePercent) % overage" : "")
        }

        /// Writes the policy into the key's fields (unsaved).
        func set(on key: LicenseKey) {
            key.seatMode = seatMode
            key.leaseWindowDays = leaseWindowDays
            key.deactivationsPerMonth = deactivationsPerMonth
            key.overagePercent = overagePercent
        }
    }

    func validate(current key: LicenseKey) -> Result<Validated, ValidationProblems> {
        var problems: [String] = []
        var mode = key.seatMode
        if let text = seatMode?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            if let parsed = SeatMode(rawValue: text.lowercased()) { mode = parsed } else {
                problems.append("seatMode: must be one of \(SeatMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let days = leaseWindowDays, !SeatLease.windowDays.contains(days) {
            problems.append("leaseWindowDays: must be between \(SeatLease.windowDays.lowerBound) and \(SeatLease.windowDays.upperBound)")
        }
        if let count = deactivationsPerMonth, !SeatLease.deactivationsPerMonth.contains(count) {
            problems.append("deactivationsPerMonth: must be between \(SeatLease.deactivationsPerMonth.lowerBound) and \(SeatLease.deactivationsPerMonth.upperBound)")
        }
        if let percent = overagePercent, !SeatPolicy.overagePercentRange.contains(percent) {
            problems.append("overagePercent: must be between \(SeatPolicy.overagePercentRange.lowerBound) and \(SeatPolicy.overagePercentRange.upperBound)")
        }
        guard problems.isEmpty else { return .failure(ValidationProblems(problems)) }
        return .success(Validated(
            seatMode: mode,
            leaseWindowDays: mode == .leased ? leaseWindowDays ?? key.leaseWindowDays ?? SeatLease.defaultWindowDays : nil,
            deactivationsPerMonth: deactivationsPerMonth ?? key.deactivationsPerMonth,
            overagePercent: overagePercent ?? key.overagePercent
        ))
    }

    /// Applies a validated policy under the key's seat lock, so that no sweep or check-in sees half of it. Active
    /// installations of a key that becomes leased start a full window now: their last check-in under a node-locked
    /// key said nothing about whether they would keep checking in.
    static func apply(_ policy: Validated, to keyID: UUID, actor: AuditActor, seatLock: SeatLock, now: Date,
                      on db: any Database) async throws -> LicenseKey {
        try await seatLock.withKeyLocked(keyID, on: db) { db in
            guard let key = try await LicenseKey.find(keyID, on: db) else {
                throw ValidationProblems(["license key: not found"], status: .notFound)
            }
            if key.seatMode != .leased && policy.seatMode == .leased {
                try await Installation.query(on: db).filter(\.$licenseKey.$id == keyID).filter(\.$status == .active)
                    .set(\.$lastSeenAt, to: InstallationCheckIn.wholeSeconds(now)).update()
            }
            policy.set(on: key)
            try await key.save(on: db)
            try await AuditLog.record(
                on: db, organizationID: key.$organization.id, actor: actor, action: .licenseSeatPolicyChanged,
                targetType: "license_key", targetID: key.id, targetLabel: key.name, details: policy.summary
            )
            return key
        }
    }
}

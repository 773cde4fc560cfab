import Fluent
import Foundation
import HeraldCore

/// Deactivating and blocking installations. Both free the seat at once and put the certificate's serial on the
/// organization's revocation list; blocking also keeps the fingerprint from ever activating the key again.
enum InstallationActions {
    enum Action: String { case deactivate, block }

    static func apply(
        _ action: Action, installationID: UUID, keyID: UUID, reason: String? = nil, actor: AuditActor, seatLock: SeatLock,
        on db: any Database, now: Date = Date()
    ) async throws -> Installation {
        try await seatLock.withKeyLocked(keyID, on: db) { db in
            guard let installation = try await Installation.query(on: db).filter(\.$id == installationID)
                .filter(\.$licenseKey.$id == keyID).first(),
                  let key = try await LicenseKey.find(keyID, on: db)
            else { throw ValidationProblems(["installation: not found for this license key"], status: .notFound) }
            let wasActive = installation.status == .active
            switch action {
            case .deactivate:
                guard wasActive else { throw ValidationProblems(["installation: \(installation.computerName) is not active"]) }
                installation.status = .deactivated
            case .block:
                guard installation.status != .blocked else {
                    throw ValidationProblems(["installation: \(installation.computerName) is already blocked"])
                }
                installation.status = .blocked
                if try await BlockedComputer.query(on: db).filter(\.$licenseKey.$id == keyID)
                    .filter(\.$fingerprint == installation.fingerprint).count() == 0 {
                    let blocked = BlockedComputer()
                    blocked.$licenseKey.id = keyID
                    blocked.fingerprint = installation.fingerprint
                    blocked.reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
                        ?? "blocked with installation \(installation.computerName)"
                    try await blocked.create(on: db)
                }
            }
            if wasActive { installation.deactivatedAt = now }
            try await installation.save(on: db)
            try await AuditLog.record(
                on: db, installation: installation, key: key, actor: actor, action: action == .block ? .installationBlocked : .installationDeactivated,
                details: "key \(key.name), certificate \(installation.certificateSerial) revoked"
            )
            try await WebhookEvents.emit(action == .block ? .installationBlocked : .installationDeactivated,
                                         organizationID: key.$organization.id, on: db, now: now) {
                WebhookPayload.Installation(installationId: installation.id, licenseKeyId: keyID, status: installation.status.rawValue,
                                            seatsUsed: nil, seats: key.seats)
            }
            return installation
        }
    }

    /// Serials of every certificate the organization has revoked, newest first.
    static func revokedCertificates(organizationID: UUID, on db: any Database) async throws -> [(serial: String, revokedAt: Date?)] {
        try await Installation.query(on: db)
            .join(LicenseKey.self, on: \Installation.$licenseKey.$id == \LicenseKey.$id)
            .filter(LicenseKey.self, \.$organization.$id == organizationID)
            .filter(\.$status != .active)
            .sort(\.$deactivatedAt, .descending)
            .all()
            .map { ($0.certificateSerial, $0.deactivatedAt) }
    }
}

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
                on: db, organizationID: key.$organization.id, actor: actor,
                action: action == .block ? .installationBlocked : .installationDeactivated,
                targetType: "installation", targetID: installation.id, targetLabel: installation.computerName,
                details: "key \(key.name), certificate \(installation.certificateSerial) revoked"
            )
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

    static let exportHeader = ["computer_name", "operating_system", "serial_number", "mac_address", "status",
                               "activated", "deactivated", "invitation_email", "certificate_serial"]

    /// The installations list as CSV, one line per installation, spreadsheet-safe.
    static func exportCSV(keyID: UUID, on db: any Database) async throws -> String {
        var csv = SpreadsheetSafeCSVWriter.line(exportHeader)
        for installation in try await list(keyID: keyID, on: db) {
            csv += SpreadsheetSafeCSVWriter.line([
                installation.computerName, installation.operatingSystem, installation.serialNumber ?? "",
                installation.macAddress ?? "", installation.status.rawValue, DisplayDate.format(installation.activatedAt),
                installation.deactivatedAt.map { DisplayDate.format($0) } ?? "", installation.invitation?.email ?? "",
                installation.certificateSerial,
            ])
        }
        return csv
    }

    static func list(keyID: UUID, on db: any Database) async throws -> [Installation] {
        try await newestFirst(keyID: keyID, on: db).all()
    }

    /// One page of the key's installations, newest first (a key with 100,000 seats is shown a page at a time).
    static func page(_ page: PageRequest, keyID: UUID, on db: any Database) async throws -> (rows: [Installation], next: Int?, previous: Int?) {
        try await page.slice { offset, limit in
            try await newestFirst(keyID: keyID, on: db).range(offset..<(offset + limit)).all()
        }
    }

    private static func newestFirst(keyID: UUID, on db: any Database) -> QueryBuilder<Installation> {
        Installation.query(on: db).filter(\.$licenseKey.$id == keyID).with(\.$invitation)
            .sort(\.$activatedAt, .descending).sort(\.$id)
    }
}

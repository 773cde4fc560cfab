import Fluent
import Foundation

/// Keeps the "excess" flag true for exactly as many active installations as a key has beyond its seats: an
/// installation admitted by the overage stops being excess once enough others have freed their seats. Runs under
/// `SeatLock` after every seat change.
enum ExcessSeats {
    static func settle(keyID: UUID, on db: any Database) async throws {
        // Usually empty: only keys with an overage in use have flagged installations.
        let flagged = try await Installation.query(on: db).filter(\.$licenseKey.$id == keyID).filter(\.$status == .active)
            .filter(\.$excess == true).sort(\.$activatedAt).all()
        guard !flagged.isEmpty, let key = try await LicenseKey.find(keyID, on: db) else { return }
        let used = try await LicenseKeyStore.usedSeats(keyID: keyID, on: db)
        // The earliest admitted become regular seats first: they have waited longest.
        for installation in flagged.prefix(max(0, flagged.count - max(0, used - key.seats))) {
            installation.excess = false
            try await installation.save(on: db)
        }
    }
}

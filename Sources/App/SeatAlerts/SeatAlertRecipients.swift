import Fluent
import Foundation

/// Who is told about a key's seats and expiry: the organization's active account administrators and the key's
/// license administrators whose membership is active, each once.
enum SeatAlertRecipients {
    static func of(key: LicenseKey, on db: any Database) async throws -> [Account] {
        let keyID = try key.requireID()
        let administrators = try await Membership.query(on: db).filter(\.$organization.$id == key.$organization.id)
            .filter(\.$role == .administrator).filter(\.$status == .active).with(\.$account).all()
        let grants = try await LicenseKeyAdministrator.query(on: db).filter(\.$licenseKey.$id == keyID)
            .with(\.$membership) { $0.with(\.$account) }.all()
        let licenseAdministrators = grants.map(\.membership)
            .filter { $0.status == .active && $0.$organization.id == key.$organization.id }
        var seen: Set<UUID> = []
        return (administrators + licenseAdministrators).map(\.account).filter { account in
            guard let id = account.id else { return false }
            return seen.insert(id).inserted
        }
    }
}

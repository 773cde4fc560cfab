import Fluent
import Foundation
import HeraldCore
import SQLKit

/// Creating keys and reading their seat use; the console, the API and the CLI all go through here.
package enum LicenseKeyStore {
    static let uniqueNameMessage = "name: the organization already has a license key with this name"

    package static func create(
        _ input: LicenseKeyInput.Validated, organizationID: UUID, actor: AuditActor, secretBox: SecretBox, on db: any Database
    ) async throws -> LicenseKey {
        if try await LicenseKey.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$name == input.name).count() > 0 {
            throw ValidationProblems([uniqueNameMessage])
        }
        let key = LicenseKey()
        key.$organization.id = organizationID
        key.name = input.name
        key.product = input.product
        key.seats = input.seats
        key.expiresAt = input.expiresAt
        key.secretCiphertext = try secretBox.seal(input.secret)
        input.seatPolicy.set(on: key)
        key.downloads = input.downloads.isEmpty ? nil : String(decoding: try JSONEncoder().encode(input.downloads), as: UTF8.self)
        try await db.transaction { db in
            try await key.create(on: db)
            try await ActivationSigningKeys.ensure(organizationID: organizationID, secretBox: secretBox, on: db)
            try await AuditLog.record(
                on: db, organizationID: organizationID, actor: actor, action: .licenseCreated, targetType: "license_key",
                targetID: key.id, targetLabel: key.name, details: "\(key.product), \(key.seats) seats, \(input.seatPolicy.summary)"
            )
        }
        return key
    }

    /// Active installations per key, in one query.
    static func usedSeats(keyIDs: [UUID], on db: any Database) async throws -> [UUID: Int] {
        guard !keyIDs.isEmpty else { return [:] }
        struct Row: Decodable { let license_key_id: UUID; let used: Int }
        let rows = try await db.sql.select()
            .column("license_key_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "used")
            .from(Installation.schema)
            .where("license_key_id", .in, keyIDs).where("status", .equal, InstallationStatus.active)
            .groupBy("license_key_id")
            .all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.license_key_id, $0.used) })
    }

    static func usedSeats(keyID: UUID, on db: any Database) async throws -> Int {
        try await usedSeats(keyIDs: [keyID], on: db)[keyID] ?? 0
    }

    static func downloads(of key: LicenseKey) -> [String: String] {
        guard let json = key.downloads else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }
}

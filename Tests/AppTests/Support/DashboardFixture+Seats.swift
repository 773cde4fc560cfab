@testable import App
import Fluent
import Foundation
import HeraldCore
import Vapor

extension DashboardFixture {
    /// A license key as seeded: seats, machines activated (and some deactivated), invitations still able to
    /// activate, and codes that must not count (used, expired, or of a revoked invitation).
    struct KeySpec {
        let name: String
        let seats: Int
        let active: Int
        let deactivated: Int
        let invited: Int
        let notCounted: Int
    }

    /// ok, near its limit, full and oversubscribed, and a key of another organization's never shown.
    static let keys = [
        KeySpec(name: "Design Suite", seats: 10, active: 3, deactivated: 1, invited: 2, notCounted: 2),
        KeySpec(name: "CAD Pro", seats: 5, active: 4, deactivated: 0, invited: 0, notCounted: 1),
        KeySpec(name: "Office", seats: 2, active: 2, deactivated: 1, invited: 1, notCounted: 0),
        KeySpec(name: "Viewer", seats: 20, active: 2, deactivated: 0, invited: 20, notCounted: 0),
    ]

    @discardableResult
    static func seedLicenseKeys(_ app: Application, organizationID: UUID, specs: [KeySpec] = keys, now: Date = Date()) async throws -> [LicenseKey] {
        var made: [LicenseKey] = []
        for spec in specs {
            let key = LicenseKey()
            key.$organization.id = organizationID
            key.name = spec.name
            key.product = "\(spec.name) 2026"
            key.seats = spec.seats
            key.secretCiphertext = "not-a-real-ciphertext"
            try await key.create(on: app.db)
            for index in 0..<(spec.active + spec.deactivated) {
                let installation = Installation()
                installation.$licenseKey.id = try key.requireID()
                installation.fingerprint = "fp-\(UUID().uuidString)"
                installation.computerName = "PC-\(index)"
                installation.operatingSystem = "Windows 11"
                installation.status = index < spec.active ? .active : .deactivated
                installation.certificateSerial = UUID().uuidString
                installation.activatedAt = now.addingTimeInterval(-86_400)
                installation.deactivatedAt = index < spec.active ? nil : now
                try await installation.create(on: app.db)
            }
            for index in 0..<spec.invited {
                try await code(app, key: key, organizationID: organizationID, invitation: .pending, code: .unused, expiresAt: now.addingTimeInterval(86_400), tag: "\(index)", now: now)
            }
            // Each of these must be left out: a used code, an expired one, one of a revoked invitation (cycled).
            let excluded: [(InvitationStatus, ActivationCodeStatus, TimeInterval)] = [(.accepted, .used, 86_400), (.pending, .unused, -60), (.revoked, .unused, 86_400)]
            for index in 0..<spec.notCounted {
                let (status, codeStatus, expiry) = excluded[index % excluded.count]
                try await code(app, key: key, organizationID: organizationID, invitation: status, code: codeStatus, expiresAt: now.addingTimeInterval(expiry), tag: "x\(index)", now: now)
            }
            made.append(key)
        }
        return made
    }

    private static func code(_ app: Application, key: LicenseKey, organizationID: UUID, invitation status: InvitationStatus, code codeStatus: ActivationCodeStatus,
                             expiresAt: Date, tag: String, now: Date) async throws {
        let invitation = Invitation()
        invitation.$organization.id = organizationID
        invitation.kind = .install
        invitation.email = "seat-\(tag)-\(UUID().uuidString.prefix(6))@example.com"
        invitation.language = "en"
        invitation.status = status
        invitation.expiresAt = expiresAt
        invitation.payload = #"{"licenseKeyID":"\#(try key.requireID().uuidString)"}"#
        try await invitation.create(on: app.db)
        let record = ActivationCodeRecord()
        record.$invitation.id = try invitation.requireID()
        record.$licenseKey.id = try key.requireID()
        record.codeHash = TokenGenerator.hash(UUID().uuidString)
        record.status = codeStatus
        record.expiresAt = expiresAt
        record.usedAt = codeStatus == .used ? now : nil
        try await record.create(on: app.db)
    }
}

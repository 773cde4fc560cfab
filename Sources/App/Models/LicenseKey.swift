import Fluent
import Foundation
import HeraldCore

/// A product license with a number of seats. The real key is a secret, stored only encrypted.
package final class LicenseKey: Model, @unchecked Sendable {
    package static let schema = "license_keys"

    @ID(key: .id) package var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "name") var name: String
    @Field(key: "product") var product: String
    @Field(key: "seats") var seats: Int
    @OptionalField(key: "expires_at") var expiresAt: Date?
    /// `SecretBox` ciphertext of the real key.
    @Field(key: "secret_ciphertext") var secretCiphertext: String
    /// JSON object of platform to installer URL (`{"macOS": "https://..."}`), for the download page.
    @OptionalField(key: "downloads") var downloads: String?
    /// Node-locked (the default) or leased: then a seat is held while its computer checks in (`SeatLeases`).
    @Field(key: "seat_mode") var seatMode: SeatMode
    /// Days a leased seat is held after its computer's last check-in; nil for node-locked keys.
    @OptionalField(key: "lease_window_days") var leaseWindowDays: Int?
    /// Deactivations from the client per computer in 30 days (`SeatLease.deactivationPeriod`); 0: administrators only.
    @Field(key: "deactivations_per_month") var deactivationsPerMonth: Int
    /// Percent over `seats` that may still activate, flagged as excess (`SeatPolicy`); 0 refuses at `seats`.
    @Field(key: "overage_percent") var overagePercent: Int

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    package init() {
        seatMode = .nodeLocked
        deactivationsPerMonth = SeatLease.defaultDeactivationsPerMonth
        overagePercent = 0
    }

    /// The key's seat arithmetic, with its overage.
    var seatPolicy: SeatPolicy { SeatPolicy(overagePercent: overagePercent) }

    /// The heartbeat window when the key's seats are leased.
    var leaseWindow: Int? { seatMode == .leased ? leaseWindowDays ?? SeatLease.defaultWindowDays : nil }
}

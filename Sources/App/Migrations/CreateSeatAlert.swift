import Fluent
import SQLKit

/// Seat alerts and expiry warnings sent, one row per key and alert (#20).
struct CreateSeatAlert: AsyncMigration {
    /// What makes an alert go out once however many activations or instances cross it at the same moment.
    static let onePerKeyAndAlert = "uq_seat_alerts_key_alert"

    func prepare(on database: any Database) async throws {
        try await database.schema(SeatAlertRecord.schema)
            .id()
            .field("license_key_id", .uuid, .required, .references(LicenseKey.schema, .id, onDelete: .cascade))
            .field("alert", .string, .required)
            .field("details", .string, .required)
            .field("crossed_at", .datetime, .required)
            .unique(on: "license_key_id", "alert", name: Self.onePerKeyAndAlert)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SeatAlertRecord.schema).delete()
    }
}

import Fluent
import Foundation
import HeraldCore

/// One alert of a license key that has crossed and been emailed (`SeatAlerts`). The row's existence is what keeps
/// the alert from being sent again; deleting it re-arms the alert. Unique per key and alert, so that concurrent
/// activations and several Herald instances can only ever insert it once.
final class SeatAlertRecord: Model, @unchecked Sendable {
    static let schema = "seat_alerts"

    @ID(key: .id) var id: UUID?

    @Parent(key: "license_key_id") var licenseKey: LicenseKey

    @Field(key: "alert") var alert: SeatAlert
    /// Seats in use (or, for expiry warnings, the expiry) when it crossed: what the email said.
    @Field(key: "details") var details: String

    @Field(key: "crossed_at") var crossedAt: Date

    init() {}
}

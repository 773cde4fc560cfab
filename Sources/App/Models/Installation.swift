import Fluent
import Foundation

/// A machine that took a seat of a license key with an activation code.
package final class Installation: Model, @unchecked Sendable {
    package static let schema = "installations"

    @ID(key: .id) package var id: UUID?

    @Parent(key: "license_key_id") var licenseKey: LicenseKey
    @OptionalParent(key: "activation_code_id") var activationCode: ActivationCodeRecord?
    @OptionalParent(key: "invitation_id") var invitation: Invitation?

    @Field(key: "fingerprint") var fingerprint: String
    @Field(key: "computer_name") var computerName: String
    @Field(key: "operating_system") var operatingSystem: String
    @OptionalField(key: "serial_number") var serialNumber: String?
    @OptionalField(key: "mac_address") var macAddress: String?
    @Field(key: "status") package var status: InstallationStatus
    @Field(key: "certificate_serial") var certificateSerial: String
    /// The certificate as issued (nil for installations activated before certificates were kept).
    @OptionalField(key: "certificate") var certificate: String?
    /// `HERALD_PUBLIC_URL` when `certificate` was issued: its claims name addresses under it.
    @OptionalField(key: "certificate_issuer") var certificateIssuer: String?

    @Field(key: "activated_at") var activatedAt: Date
    /// When it freed its seat: deactivated, blocked, or (leased keys) lapsed.
    @OptionalField(key: "deactivated_at") var deactivatedAt: Date?
    /// Its last check-in (activation, heartbeat, or taking its lapsed seat back).
    @OptionalField(key: "last_seen_at") var lastSeenAt: Date?
    /// True when the computer itself freed the seat (`herald activate --deactivate`): what the key's limit counts.
    @OptionalField(key: "deactivated_by_client") var deactivatedByClient: Bool?
    /// Holds a seat beyond the key's count, admitted by its overage allowance: flagged in the console and the API.
    @Field(key: "excess") var excess: Bool

    package init() { excess = false }
}

import Fluent
import Foundation

/// Grants a Regular Member rights over one license key (seed 002: "license administrators").
final class LicenseKeyAdministrator: Model, @unchecked Sendable {
    static let schema = "license_key_administrators"

    @ID(key: .id) var id: UUID?

    @Parent(key: "membership_id") var membership: Membership
    @Parent(key: "license_key_id") var licenseKey: LicenseKey

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
    init(id: UUID? = nil, membershipID: UUID, licenseKeyID: UUID) {
        self.id = id
        self.$membership.id = membershipID
        self.$licenseKey.id = licenseKeyID
    }
}

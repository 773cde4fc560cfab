import Fluent
import Foundation

/// A machine fingerprint that may never activate a given license key again.
final class BlockedComputer: Model, @unchecked Sendable {
    static let schema = "blocked_computers"

    @ID(key: .id) var id: UUID?

    @Parent(key: "license_key_id") var licenseKey: LicenseKey

    @Field(key: "fingerprint") var fingerprint: String
    @OptionalField(key: "reason") var reason: String?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

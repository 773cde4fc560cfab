import Fluent
import Foundation

/// A temporary, single-use code that lets one machine take one seat of a license key.
final class ActivationCodeRecord: Model, @unchecked Sendable {
    static let schema = "activation_codes"

    @ID(key: .id) var id: UUID?

    @Parent(key: "invitation_id") var invitation: Invitation
    @Parent(key: "license_key_id") var licenseKey: LicenseKey

    /// Only the hash is stored; the code is shown at creation and in the invitations export.
    @Field(key: "code_hash") var codeHash: String
    @Field(key: "status") var status: ActivationCodeStatus
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

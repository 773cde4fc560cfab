import Fluent
import Foundation

/// Per organization: how the directory is provisioned, and what deprovisioning does. No row: CSV, no blocking.
final class DirectorySettings: Model, @unchecked Sendable {
    static let schema = "directory_settings"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "provisioning") var provisioning: DirectoryProvisioning
    /// Block the membership of a person the source disables or removes (matched by email).
    @Field(key: "block_members_on_deprovision") var blockMembersOnDeprovision: Bool

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {
        provisioning = .csv
        blockMembersOnDeprovision = false
    }
}

import Fluent
import Foundation

/// A business account: the unit that owns members, invitations, license keys, a directory and mail settings.
package final class Organization: Model, @unchecked Sendable {
    package static let schema = "organizations"

    @ID(key: .id) package var id: UUID?

    @Field(key: "name") var name: String
    /// Its account administrators must sign in with a second factor (`TwoFactorRequirement`).
    @Field(key: "require_admin_two_factor") var requireAdminTwoFactor: Bool

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    package init() {}
    package init(id: UUID? = nil, name: String) {
        self.id = id
        self.name = name
        self.requireAdminTwoFactor = false
    }
}

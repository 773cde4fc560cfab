import Fluent
import Foundation

/// A person in the organization's local directory: a recipient of remote-access client invitations.
final class DirectoryUser: Model, @unchecked Sendable {
    static let schema = "directory_users"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "name") var name: String
    @Field(key: "email") var email: String
    @Field(key: "enabled") var enabled: Bool

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

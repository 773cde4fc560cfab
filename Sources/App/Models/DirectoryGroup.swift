import Fluent
import Foundation

/// A group of directory users and other groups (nesting allowed, cycles rejected by the domain code).
final class DirectoryGroup: Model, @unchecked Sendable {
    static let schema = "directory_groups"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "name") var name: String

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

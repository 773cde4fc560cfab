import Fluent
import Foundation

/// A group of directory users and other groups. Hand edits refuse cycles; an external source may send them, and the
/// expansion (`DirectoryGraph`) terminates on them.
final class DirectoryGroup: Model, @unchecked Sendable {
    static let schema = "directory_groups"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "name") var name: String

    @Field(key: "source") var source: DirectorySource
    @OptionalField(key: "external_id") var externalID: String?
    /// Raised on every change of the group or its members: the SCIM ETag.
    @Field(key: "version") var version: Int

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {
        source = .manual
        version = 1
    }
}

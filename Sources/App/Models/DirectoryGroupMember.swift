import Fluent
import Foundation

/// One edge of the group graph: a group contains either a user or another group.
final class DirectoryGroupMember: Model, @unchecked Sendable {
    static let schema = "directory_group_members"

    @ID(key: .id) var id: UUID?

    @Parent(key: "group_id") var group: DirectoryGroup
    @OptionalParent(key: "user_id") var user: DirectoryUser?
    @OptionalParent(key: "member_group_id") var memberGroup: DirectoryGroup?

    init() {}
}

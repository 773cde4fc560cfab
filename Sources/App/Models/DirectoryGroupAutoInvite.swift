import Fluent
import Foundation

/// What new members of a directory group receive automatically, one row per group and kind: an invitation to
/// join the organization, or install invitations for one license key. Only people who join the group after the
/// option is turned on are invited (`DirectoryAutoInvites`).
final class DirectoryGroupAutoInvite: Model, @unchecked Sendable {
    static let schema = "directory_group_auto_invites"

    enum Kind: String, Codable, Sendable, CaseIterable {
        case join, install
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "group_id") var group: DirectoryGroup
    @Field(key: "kind") var kind: Kind
    /// The key of an install rule; nil for join.
    @OptionalParent(key: "license_key_id") var licenseKey: LicenseKey?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

/// That a directory user was handled for a group's rule: invited, or a member of the group when the rule was turned
/// on. Kept when they leave the group or the invitation is revoked, so each person is auto-invited once per rule.
final class DirectoryAutoInvitation: Model, @unchecked Sendable {
    static let schema = "directory_auto_invitations"

    @ID(key: .id) var id: UUID?
    @Field(key: "group_id") var groupID: UUID
    @Field(key: "kind") var kind: DirectoryGroupAutoInvite.Kind
    @Field(key: "directory_user_id") var userID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(groupID: UUID, kind: DirectoryGroupAutoInvite.Kind, userID: UUID) {
        self.groupID = groupID
        self.kind = kind
        self.userID = userID
    }
}

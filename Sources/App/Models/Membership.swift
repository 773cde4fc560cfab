import Fluent
import Foundation

enum MembershipRole: String, Codable, Sendable, CaseIterable {
    case member
    case administrator

    var title: String { self == .administrator ? "Account Administrator" : "Regular Member" }
}

enum MembershipStatus: String, Codable, Sendable, CaseIterable {
    case active
    /// Access suspended, membership kept: can be unblocked.
    case blocked
    /// Membership ended by an administrator; the person may be invited again.
    case removed
    /// Membership ended by the person.
    case left
}

/// A person's place in an organization: role, status and the administrator's note.
final class Membership: Model, @unchecked Sendable {
    static let schema = "memberships"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization
    @Parent(key: "account_id") var account: Account

    @Field(key: "role") var role: MembershipRole
    @Field(key: "status") var status: MembershipStatus
    @OptionalField(key: "note") var note: String?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
    init(id: UUID? = nil, organizationID: UUID, accountID: UUID, role: MembershipRole, status: MembershipStatus = .active) {
        self.id = id
        self.$organization.id = organizationID
        self.$account.id = accountID
        self.role = role
        self.status = status
    }
}

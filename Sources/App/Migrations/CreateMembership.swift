import Fluent

struct CreateMembership: AsyncMigration {
    static let uniquePerson = "uq_memberships_organization_account"

    func prepare(on database: any Database) async throws {
        try await database.schema(Membership.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            .field("role", .string, .required)
            .field("status", .string, .required)
            .field("note", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            // One row per person and organization: leaving and re-joining reuses it, keeping history in the audit log.
            .unique(on: "organization_id", "account_id", name: Self.uniquePerson)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Membership.schema).delete()
    }
}

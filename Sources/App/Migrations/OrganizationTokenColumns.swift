import Fluent

extension SchemaBuilder {
    /// The columns `api_tokens` and `scim_tokens` share, in the order their tables have always had: the id and the
    /// organization, then what `owner` adds (the API token's account), then the name, the secret's hash (unique) and
    /// the use, revocation and creation times.
    func organizationTokenColumns(uniqueTokenHash: String, owner: (SchemaBuilder) -> SchemaBuilder = { $0 }) -> SchemaBuilder {
        owner(id().field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade)))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash", name: uniqueTokenHash)
    }
}

import Fluent
import Foundation

/// The one-time first-run link that creates the first administrator. Stored hashed, valid for an hour.
final class SetupToken: Model, @unchecked Sendable {
    static let schema = "setup_tokens"

    @ID(key: .id) var id: UUID?

    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

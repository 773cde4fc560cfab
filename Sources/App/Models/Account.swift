import Fluent
import Foundation

/// A person: one account per email address, possibly a member of several organizations.
final class Account: Model, @unchecked Sendable {
    static let schema = "accounts"

    @ID(key: .id) var id: UUID?

    /// Stored lower-cased so that uniqueness and sign-in do not depend on how the address was typed.
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "password_hash") var passwordHash: String

    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?
    /// BCP 47 code; set when the person accepts an invitation (UpdateAccountAddLanguage).
    @OptionalField(key: "language") var language: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
    init(id: UUID? = nil, email: String, name: String, passwordHash: String) {
        self.id = id
        self.email = email.lowercased()
        self.name = name
        self.passwordHash = passwordHash
    }
}

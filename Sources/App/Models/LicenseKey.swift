import Fluent
import Foundation

/// A product license with a number of seats. The real key is a secret, stored only encrypted.
package final class LicenseKey: Model, @unchecked Sendable {
    package static let schema = "license_keys"

    @ID(key: .id) package var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "name") var name: String
    @Field(key: "product") var product: String
    @Field(key: "seats") var seats: Int
    @OptionalField(key: "expires_at") var expiresAt: Date?
    /// `SecretBox` ciphertext of the real key.
    @Field(key: "secret_ciphertext") var secretCiphertext: String
    /// JSON object of platform to installer URL (`{"macOS": "https://..."}`), for the download page.
    @OptionalField(key: "downloads") var downloads: String?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    package init() {}
}

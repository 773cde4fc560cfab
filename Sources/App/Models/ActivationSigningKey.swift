import Fluent
import Foundation

/// The organization's Ed25519 key pair for activation certificates. The public half is published; the private
/// half is stored only sealed with the server's `SecretBox`.
final class ActivationSigningKey: Model, @unchecked Sendable {
    static let schema = "activation_signing_keys"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    /// The JWT `kid`: lets a product tell keys apart if the organization's key is ever rotated.
    @Field(key: "key_id") var keyID: String
    /// Base64url of the raw 32-byte public key (the JWK `x`).
    @Field(key: "public_key") var publicKey: String
    @Field(key: "private_key_ciphertext") var privateKeyCiphertext: String

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

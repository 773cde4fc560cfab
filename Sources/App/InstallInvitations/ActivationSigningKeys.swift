import Crypto
import Fluent
import Foundation
import HeraldCore
import JWTKit
import Vapor

/// The organization's certificate signing key: created with its first license key, published as a JWK Set.
enum ActivationSigningKeys {
    /// Creates the organization's key pair unless it has one.
    @discardableResult
    static func ensure(organizationID: UUID, secretBox: SecretBox, on db: any Database) async throws -> ActivationSigningKey {
        if let existing = try await ActivationSigningKey.query(on: db).filter(\.$organization.$id == organizationID).first() {
            return existing
        }
        let privateKey = try EdDSA.PrivateKey(curve: .ed25519)
        let publicKey = Data(privateKey.publicKey.rawRepresentation)
        let record = ActivationSigningKey()
        record.$organization.id = organizationID
        record.publicKey = TokenGenerator.base64URL(Array(publicKey))
        // RFC 7638-style: a short, stable name derived from the key itself.
        record.keyID = String(TokenGenerator.hash(record.publicKey).prefix(16))
        record.privateKeyCiphertext = try secretBox.seal(TokenGenerator.base64URL(Array(privateKey.rawRepresentation)))
        do {
            try await record.create(on: db)
            return record
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            // Another request opened the organization's first signer at the same moment (200 activations of a new
            // organization's codes at once do): its key won the unique index, and every certificate uses that one.
            guard let winner = try await ActivationSigningKey.query(on: db).filter(\.$organization.$id == organizationID).first()
            else { throw error }
            return winner
        }
    }

    /// The organization's private key, decrypted with the server secret.
    static func privateKey(of record: ActivationSigningKey, secretBox: SecretBox) throws -> Curve25519.Signing.PrivateKey {
        let stored = try EdDSA.PrivateKey(d: try secretBox.open(record.privateKeyCiphertext), curve: .ed25519)
        return try Curve25519.Signing.PrivateKey(rawRepresentation: stored.rawRepresentation)
    }

    /// The JWK Set (RFC 7517 section 5) a product downloads once and keeps to verify certificates offline.
    static func jwks(_ records: [ActivationSigningKey]) -> PublicKeySet {
        PublicKeySet(keys: records.map {
            .init(kty: "OKP", crv: "Ed25519", x: $0.publicKey, kid: $0.keyID, use: "sig", alg: "EdDSA")
        })
    }

    struct PublicKeySet: Content {
        struct Key: Codable, Sendable {
            let kty: String
            let crv: String
            let x: String
            let kid: String
            let use: String
            let alg: String
        }
        let keys: [Key]
    }
}

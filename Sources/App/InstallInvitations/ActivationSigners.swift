import Crypto
import Fluent
import Foundation
import HeraldCore
import JWTKit
import NIOConcurrencyHelpers

/// Each organization's certificate signer, opened once per application.
///
/// Opening one means reading the key row and decrypting the private key with the server secret: more work than
/// signing itself. An organization has exactly one signing key (unique per organization) that never changes, so a
/// signer, once opened, stays right for the life of the process, on every instance.
final class ActivationSigners: Sendable {
    /// Opens the stored private keys.
    private let secretBox: SecretBox
    private let opened = NIOLockedValueBox<[UUID: ActivationSigner]>([:])

    init(secretBox: SecretBox) {
        self.secretBox = secretBox
    }

    func signer(organizationID: UUID, on db: @autoclosure () -> any Database) async throws -> ActivationSigner {
        if let cached = opened.withLockedValue({ $0[organizationID] }) { return cached }
        let record = try await ActivationSigningKeys.ensure(organizationID: organizationID, secretBox: secretBox, on: db())
        let signer = try ActivationSigner(keyID: record.keyID, privateKey: ActivationSigningKeys.privateKey(of: record, secretBox: secretBox))
        opened.withLockedValue { $0[organizationID] = signer }
        return signer
    }
}

/// Signs certificates as a JWS in compact serialization (RFC 7515 section 7.1, `alg: EdDSA` per RFC 8037):
/// base64url(header) "." base64url(claims) "." base64url(Ed25519 signature of the first two parts).
///
/// JWTKit verifies these (the tests and `herald activate --verify` do), but its signing entry point is an actor
/// (`JWTKeyCollection`); under load every activation queued on that one actor and resumed on whichever event loop
/// drained it, and that alone cost a third of the activation throughput (BENCHMARKS.md). This signs on the caller's
/// thread with the same JSON encoding of the claims (dates as seconds since 1970, JWTKit's `defaultForJWT`).
struct ActivationSigner: Sendable {
    let keyID: String
    private let privateKey: Curve25519.Signing.PrivateKey
    /// The header never changes for a key, so it is encoded once.
    private let encodedHeader: String

    private static let claimsEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        // Without it the members come out in hash-table order, which differs from one encoding to the next; sorted,
        // the same claims are the same bytes and (Ed25519 being deterministic) the same certificate.
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    init(keyID: String, privateKey: Curve25519.Signing.PrivateKey) throws {
        self.keyID = keyID
        self.privateKey = privateKey
        let header = try JSONSerialization.data(withJSONObject: ["alg": "EdDSA", "typ": "JWT", "kid": keyID], options: [.sortedKeys])
        encodedHeader = TokenGenerator.base64URL(Array(header))
    }

    /// Certificates and revocation lists alike: anything a product verifies with the organization's JWK Set.
    func sign(_ payload: some JWTPayload) throws -> String {
        let claims = try Self.claimsEncoder.encode(payload)
        let signingInput = encodedHeader + "." + TokenGenerator.base64URL(Array(claims))
        let signature = try privateKey.signature(for: Array(signingInput.utf8))
        return signingInput + "." + TokenGenerator.base64URL(Array(signature))
    }
}

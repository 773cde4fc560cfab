import Fluent
import HeraldCore
import Foundation
import JWTKit
import NIOConcurrencyHelpers

/// Each organization's certificate signer, opened once per process.
///
/// Opening one means reading the key row, decrypting the private key with the server secret and building a JWT key
/// collection: more work than signing itself, and it used to happen on every activation. An organization has
/// exactly one signing key (unique per organization) that never changes, so a signer, once opened, stays right for
/// the life of the process, on every instance.
final class ActivationSigners: Sendable {
    struct Signer: Sendable {
        let keyID: JWKIdentifier
        let keys: JWTKeyCollection
    }

    private let opened = NIOLockedValueBox<[UUID: Signer]>([:])

    func signer(organizationID: UUID, secretBox: SecretBox, on db: any Database) async throws -> Signer {
        if let cached = opened.withLockedValue({ $0[organizationID] }) { return cached }
        let record = try await ActivationSigningKeys.ensure(organizationID: organizationID, secretBox: secretBox, on: db)
        let signer = Signer(keyID: JWKIdentifier(string: record.keyID),
                            keys: try await ActivationSigningKeys.signer(for: record, secretBox: secretBox))
        opened.withLockedValue { $0[organizationID] = signer }
        return signer
    }
}

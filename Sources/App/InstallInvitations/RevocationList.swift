import Foundation
import JWTKit
import Vapor

/// The certificates an organization has revoked: every deactivated or blocked installation's serial.
///
/// Served at the `revocationListURL` each certificate names. `signed` carries the same list as a JWT signed with
/// the key that signs the certificates, so a product can keep a copy and trust it offline: anyone may relay or
/// cache it, nobody can shorten it. The plain fields are for reading by eye and for older clients.
struct RevocationList: Content {
    struct Entry: Content, Equatable {
        let serial: String
        let revokedAt: Date?
    }

    let organization: UUID
    let generatedAt: Date
    let revoked: [Entry]
    /// `RevocationListClaims` as a compact JWS (EdDSA), verifiable with the organization's JWK Set.
    let signed: String

    static func signed(
        organizationID: UUID, revoked: [(serial: String, revokedAt: Date?)], issuer: URL, now: Date, signer: ActivationSigner
    ) throws -> RevocationList {
        let entries = revoked.map { Entry(serial: $0.serial, revokedAt: $0.revokedAt) }
        let generatedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = RevocationListClaims(
            iss: IssuerClaim(value: issuer.absoluteString), iat: IssuedAtClaim(value: generatedAt),
            organization: organizationID.uuidString, revoked: entries
        )
        return RevocationList(organization: organizationID, generatedAt: generatedAt, revoked: entries, signed: try signer.sign(claims))
    }
}

/// What the signed revocation list says. No expiry: a product decides how old a cached copy it accepts, by `iat`.
struct RevocationListClaims: JWTPayload, Equatable {
    var iss: IssuerClaim
    var iat: IssuedAtClaim
    var organization: String
    var revoked: [RevocationList.Entry]

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

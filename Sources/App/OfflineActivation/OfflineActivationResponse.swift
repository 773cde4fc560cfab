import Foundation
import JWTKit
import Vapor

/// The response file `herald activate --offline-response` imports: the answer signed with the organization's key
/// (the key that signs certificates, published as its JWK Set), so that nothing in it can be changed on the way.
struct OfflineActivationResponseFile: Content, Equatable {
    static let currentFormat = "herald-offline-activation-response-v1"
    static let fileName = "activation-response.json"

    var format = currentFormat
    /// `OfflineActivationResponseClaims` as a compact JWS (EdDSA).
    var signed: String
    /// Where the organization's JWK Set is published; not signed, only a hint for the person carrying the file.
    var publicKeyURL: String
}

/// What the signed response says. `iat` is the installation's activation time, so a replayed request gets the very
/// same file back.
struct OfflineActivationResponseClaims: JWTPayload, Equatable {
    var iss: IssuerClaim
    var iat: IssuedAtClaim
    /// The installation's id.
    var sub: SubjectClaim
    /// The request's nonce and key thumbprint: the response is for that request and no other.
    var nonce: String
    var requestKey: String
    var certificate: String
    var certificateSerial: String
    /// The secret the computer checks in with, as the online answer carries it.
    var installationKey: String
    var product: String
    var licenseKeyName: String
    var publicKeyURL: String
    var revocationListURL: String
    var heartbeatURL: String

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

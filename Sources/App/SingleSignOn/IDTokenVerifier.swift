import Foundation
import JWTKit

/// The claims of an ID token Herald reads. `verify(using:)` does nothing: `IDTokenVerifier` checks each claim itself,
/// so that each failure has its own message.
struct IDTokenClaims: JWTPayload {
    let iss: String
    let sub: String
    let aud: AudienceClaim
    let azp: String?
    let exp: Double
    let iat: Double
    let nonce: String?
    let email: String?
    /// Some providers send `"true"` as a string; only a true boolean or that string counts.
    let email_verified: VerifiedFlag?
    /// Entra ID's "email domain owner verified" optional claim: Entra sends no `email_verified`, and this is what
    /// Microsoft offers instead (the address's domain is one the tenant proved it owns).
    let xms_edov: VerifiedFlag?
    let name: String?

    func verify(using algorithm: some JWTAlgorithm) throws {}
}

struct VerifiedFlag: Codable, Sendable {
    let value: Bool

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) { value = flag } else { value = (try? container.decode(String.self)) == "true" }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

/// Who the provider says signed in: only an address it verified.
struct VerifiedIdentity: Sendable {
    let subject: String
    let email: String
    let name: String?
}

/// Checks an ID token (OpenID Connect Core 3.1.3.7): the algorithm is one the issuer announced (never `none`, never an
/// HMAC keyed with the client secret), the signature is by a key of the issuer's JWKS (fetched again once when the
/// token names a key the cached set lacks: the provider rotated), then `iss`, `aud` (and `azp` when there are
/// several audiences), `exp`, `iat` and `nonce`, and finally that the email address is verified.
struct IDTokenVerifier {
    /// What JWTKit can check with a public key from a JWKS.
    static let supportedAlgorithms: Set<String> = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
    /// Clock difference tolerated between Herald and the provider.
    static let leeway: TimeInterval = 60
    /// A token issued longer ago than this is stale however long its `exp`.
    static let maximumAge: TimeInterval = 24 * 60 * 60

    let provider: OpenIDProviderClient
    let configuration: OpenIDConfiguration
    let clientID: String
    let nonce: String

    func verify(_ token: String, now: Date = Date()) async throws(SingleSignOnFailure) -> VerifiedIdentity {
        let header = try Self.header(of: token)
        let announced = Set(configuration.id_token_signing_alg_values_supported ?? [])
        guard let alg = header.alg, alg != "none", announced.contains(alg), Self.supportedAlgorithms.contains(alg) else {
            throw .algorithmRefused(header.alg ?? "(none given)")
        }
        var jwk = try await key(for: header, alg: alg)
        if let keyAlg = jwk.algorithm?.rawValue, keyAlg != alg { throw .algorithmRefused("\(alg) with a key for \(keyAlg)") }
        guard Self.keyType(for: alg) == jwk.keyType else { throw .algorithmRefused("\(alg) with a \(jwk.keyType.rawValue) key") }
        jwk.keyIdentifier = JWKIdentifier(string: header.kid ?? "the-only-key")
        let claims: IDTokenClaims
        do {
            let keys = JWTKeyCollection()
            try await keys.add(jwk: jwk)
            claims = try await keys.verify(token, as: IDTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            throw .malformedToken("\(error)".prefix(200).description)
        }
        try check(claims, now: now.timeIntervalSince1970)
        guard let email = claims.email?.trimmingCharacters(in: .whitespaces).lowercased(), email.contains("@"),
              claims.email_verified?.value == true || claims.xms_edov?.value == true else { throw .emailNotVerified }
        return VerifiedIdentity(subject: claims.sub, email: email, name: claims.name)
    }

    private func check(_ claims: IDTokenClaims, now: TimeInterval) throws(SingleSignOnFailure) {
        guard claims.iss == configuration.issuer else { throw .wrongIssuer }
        let audiences = claims.aud.value
        guard audiences.contains(clientID) else { throw .wrongAudience }
        if audiences.count > 1 || claims.azp != nil, claims.azp != clientID { throw .wrongAudience }
        guard claims.exp > now - Self.leeway, claims.iat > now - Self.maximumAge else { throw .expired }
        guard claims.iat <= now + Self.leeway else { throw .issuedInFuture }
        guard let sent = claims.nonce, sent == nonce else { throw .wrongNonce }
    }

    /// The key the token names in the issuer's JWKS; without a `kid`, the set's only key of the algorithm's type.
    private func key(for header: Header, alg: String) async throws(SingleSignOnFailure) -> JWK {
        func find(_ keys: [JWK]) -> JWK? {
            if let kid = header.kid { return keys.first { $0.keyIdentifier?.string == kid } }
            let candidates = keys.filter { $0.keyType == Self.keyType(for: alg) }
            return candidates.count == 1 ? candidates[0] : nil
        }
        if let key = find(try await provider.keys(at: configuration.jwks_uri, refresh: false)) { return key }
        if let key = find(try await provider.keys(at: configuration.jwks_uri, refresh: true)) { return key }
        throw .unknownSigningKey
    }

    struct Header: Decodable {
        let alg: String?
        let kid: String?
    }

    static func header(of token: String) throws(SingleSignOnFailure) -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = base64URLDecoded(String(parts[0])),
              let header = try? JSONDecoder().decode(Header.self, from: data) else { throw .malformedToken("not a signed JWT") }
        return header
    }

    static func base64URLDecoded(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    static func keyType(for alg: String) -> JWK.KeyType {
        switch alg.prefix(2) {
        case "RS", "PS": .rsa
        case "ES": .ecdsa
        default: .octetKeyPair
        }
    }
}

import Foundation
import JWTKit

/// `herald activate --verify`'s question after the signature: has the certificate been revoked since?
///
/// Answered only from a revocation list signed by the organization's key (the same JWK Set that verified the
/// certificate), for the same organization; a list that cannot be fetched, parsed or trusted leaves the question
/// open, and says why, rather than passing the certificate as valid.
enum RevocationCheck: Equatable {
    case notRevoked(listDate: Date)
    case revoked(Date?, listDate: Date)
    case unchecked(String)

    /// The date of the list that answered, when one did.
    var listDate: Date? {
        switch self {
        case .notRevoked(let date), .revoked(_, let date): date
        case .unchecked: nil
        }
    }

    static func check(
        _ certificate: ActivationCertificate, keys: JWTKeyCollection, fetch: () async throws -> String
    ) async -> RevocationCheck {
        let text: String
        do { text = try await fetch() } catch { return .unchecked("\(error)") }
        return await check(certificate, keys: keys, list: text)
    }

    /// Judges one copy of the list, fetched or cached alike.
    static func check(_ certificate: ActivationCertificate, keys: JWTKeyCollection, list text: String) async -> RevocationCheck {
        guard let data = text.data(using: .utf8), let list = try? JSONDecoder().decode(SignedList.self, from: data) else {
            return .unchecked("the revocation list is not Herald's signed JSON")
        }
        let claims: RevocationListClaims
        do { claims = try await keys.verify(list.signed, as: RevocationListClaims.self) } catch {
            return .unchecked("the revocation list's signature does not match the organization's keys")
        }
        guard claims.organization == certificate.organization else {
            return .unchecked("the revocation list is another organization's")
        }
        if let entry = claims.revoked.first(where: { $0.serial == certificate.jti.value }) {
            return .revoked(entry.revokedAt, listDate: claims.iat.value)
        }
        return .notRevoked(listDate: claims.iat.value)
    }

    /// Only the signed part is read: the plain fields beside it are not covered by the signature.
    private struct SignedList: Decodable {
        let signed: String
    }
}

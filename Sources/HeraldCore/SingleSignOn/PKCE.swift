import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636) with the S256 method only: `plain` would send the verifier itself in the
/// browser's redirect, which is what PKCE exists to keep out of it.
public struct PKCE: Sendable, Equatable {
    /// 43 characters of base64url (256 random bits): the shortest verifier RFC 7636 4.1 allows, and enough.
    public let verifier: String

    public init(verifier: String = TokenGenerator.newToken()) {
        self.verifier = verifier
    }

    /// `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 4.2).
    public var challenge: String { Self.challenge(for: verifier) }

    public static let method = "S256"

    public static func challenge(for verifier: String) -> String {
        TokenGenerator.base64URL(Array(SHA256.hash(data: Array(verifier.utf8))))
    }
}

import Crypto
import Foundation
import _CryptoExtras

/// The signing algorithms Herald offers (RFC 6376 3.3, RFC 8463 3).
public enum DKIMAlgorithm: String, Sendable, CaseIterable, Codable {
    case rsaSHA256 = "rsa-sha256"
    case ed25519SHA256 = "ed25519-sha256"

    /// The key type tag `k=` of the DNS record (RFC 6376 3.6.1, RFC 8463 4).
    public var keyType: String {
        switch self {
        case .rsaSHA256: "rsa"
        case .ed25519SHA256: "ed25519"
        }
    }
}

public enum DKIMKeyError: Error, Sendable, Equatable {
    /// The stored private key could not be read as a key of its algorithm.
    case unreadablePrivateKey
    case signingFailed
}

/// A DKIM private key: RSA 2048 (read by every verifier) or Ed25519 (RFC 8463: short records, fast signing, but
/// not yet verified everywhere; RFC 8463 8 suggests signing with both where that matters).
public enum DKIMPrivateKey: Sendable {
    case rsa(_RSA.Signing.PrivateKey)
    case ed25519(Curve25519.Signing.PrivateKey)

    public static func generate(_ algorithm: DKIMAlgorithm) throws -> DKIMPrivateKey {
        switch algorithm {
        case .rsaSHA256: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))
        case .ed25519SHA256: .ed25519(Curve25519.Signing.PrivateKey())
        }
    }

    public var algorithm: DKIMAlgorithm {
        switch self {
        case .rsa: .rsaSHA256
        case .ed25519: .ed25519SHA256
        }
    }

    /// What is kept (sealed) at rest: PKCS #8 DER for RSA, the 32-byte seed for Ed25519.
    public var storedRepresentation: Data {
        switch self {
        case .rsa(let key): key.derRepresentation
        case .ed25519(let key): key.rawRepresentation
        }
    }

    public init(algorithm: DKIMAlgorithm, storedRepresentation: Data) throws(DKIMKeyError) {
        do {
            switch algorithm {
            case .rsaSHA256: self = .rsa(try _RSA.Signing.PrivateKey(derRepresentation: storedRepresentation))
            case .ed25519SHA256: self = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: storedRepresentation))
            }
        } catch {
            throw .unreadablePrivateKey
        }
    }

    /// The `p=` value: base64 of the SubjectPublicKeyInfo for RSA (RFC 6376 3.6.1), of the raw 32-byte key for
    /// Ed25519 (RFC 8463 4).
    public var publicKeyBase64: String {
        switch self {
        case .rsa(let key): key.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let key): key.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// The TXT record to publish at `<selector>._domainkey.<domain>` (RFC 6376 3.6.1).
    public var dnsRecord: String {
        "v=DKIM1; k=\(algorithm.keyType); p=\(publicKeyBase64)"
    }

    /// RSASSA-PKCS1-v1_5 over SHA-256 of the data (RFC 6376 3.3.1); Ed25519 over the SHA-256 of the data (RFC 8463 3:
    /// the hash, not the data, is what Ed25519 signs).
    func sign(_ data: [UInt8]) throws(DKIMKeyError) -> Data {
        do {
            switch self {
            case .rsa(let key):
                return try key.signature(for: SHA256.hash(data: data), padding: .insecurePKCS1v1_5).rawRepresentation
            case .ed25519(let key):
                return try key.signature(for: Data(SHA256.hash(data: data)))
            }
        } catch {
            throw .signingFailed
        }
    }
}

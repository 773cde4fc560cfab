import Crypto
import Foundation

/// Encrypts small secrets at rest (SMTP passwords, license keys) under a key
/// derived from the server secret, so a database dump alone reveals nothing.
///
/// AES-256-GCM (NIST SP 800-38D) with a random 96-bit nonce per value; the key is
/// HKDF-SHA256 (RFC 5869) of the server secret with the purpose as `info`, so keys
/// for different purposes are independent. The purpose is also bound as
/// associated data. Output: `v1:` + base64(nonce ‖ ciphertext ‖ tag); the prefix
/// lets a later version change algorithms and still read old values.
public struct SecretBox: Sendable {
    static let version = "v1"
    private static let salt = Array("herald.secretbox.v1".utf8)
    private static let nonceAndTagLength = 12 + 16

    private let key: SymmetricKey
    private let purpose: [UInt8]

    public init(serverSecret: String, purpose: String) {
        self.init(serverSecret: Array(serverSecret.utf8), purpose: purpose)
    }

    public init(serverSecret: [UInt8], purpose: String) {
        self.purpose = Array(purpose.utf8)
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: serverSecret),
            salt: Self.salt, info: self.purpose, outputByteCount: 32)
    }

    public func seal(_ plaintext: String) throws(SecretBoxError) -> String {
        do {
            let box = try AES.GCM.seal(Array(plaintext.utf8), using: key, authenticating: purpose)
            guard let combined = box.combined else { throw SecretBoxError.sealingFailed }
            return Self.version + ":" + combined.base64EncodedString()
        } catch {
            throw .sealingFailed
        }
    }

    public func open(_ sealed: String) throws(SecretBoxError) -> String {
        guard let colon = sealed.firstIndex(of: ":") else { throw .malformed }
        let version = String(sealed[..<colon])
        guard version == Self.version else { throw .unsupportedVersion(version) }
        guard let combined = Data(base64Encoded: String(sealed[sealed.index(after: colon)...])),
              combined.count >= Self.nonceAndTagLength
        else { throw .malformed }
        let box: AES.GCM.SealedBox
        do {
            box = try AES.GCM.SealedBox(combined: combined)
        } catch {
            throw .malformed
        }
        let plaintext: Data
        do {
            plaintext = try AES.GCM.open(box, using: key, authenticating: purpose)
        } catch {
            throw .tampered
        }
        // Sealed from a Swift String, so always UTF-8; anything else means tampering.
        guard let text = String(data: plaintext, encoding: .utf8) else { throw .tampered }
        return text
    }
}

import Crypto
import Foundation

/// The per-message envelope sender (VERP): `bounces+<token>@<bounce domain>`, where the token is the outbox
/// message's id and an HMAC of it under a key only Herald holds. A bounce comes back to that address, so it names
/// its message without parsing guesswork; the HMAC means a forged bounce cannot name a message it has not seen
/// (message ids are time-ordered, so they alone would be guessable).
///
/// The token is lower-case hex (32 for the id, 20 for the first 80 bits of HMAC-SHA-256): mail servers may change
/// the case of a local part, and 8 + 52 characters stay under the local part's 64 (RFC 5321 4.5.3.1.1).
public struct VERPAddress: Sendable {
    public static let localPartPrefix = "bounces+"
    static let macBytes = 10

    let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    public init(serverSecret: String) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Array(serverSecret.utf8)),
                                     info: Array("herald verp v1".utf8), outputByteCount: 32)
    }

    /// The envelope sender for the outbox message `id`.
    public func address(for id: UUID, domain: String) -> String {
        Self.localPartPrefix + token(for: id) + "@" + domain
    }

    public func token(for id: UUID) -> String {
        let idHex = Self.hex(id)
        return idHex + TokenGenerator.hex(Array(mac(idHex).prefix(Self.macBytes)))
    }

    /// The outbox message id a bounce address carries, or nil when it is not one of ours or its HMAC is wrong.
    public func messageID(in address: String) -> UUID? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let local = address[..<at].lowercased()
        guard local.hasPrefix(Self.localPartPrefix) else { return nil }
        let token = local.dropFirst(Self.localPartPrefix.count)
        guard token.count == 32 + 2 * Self.macBytes, token.allSatisfy(\.isHexDigit) else { return nil }
        let idHex = String(token.prefix(32))
        let expected = TokenGenerator.hex(Array(mac(idHex).prefix(Self.macBytes)))
        guard TokenGenerator.constantTimeEquals(expected, String(token.dropFirst(32))) else { return nil }
        return Self.uuid(idHex)
    }

    private func mac(_ idHex: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(idHex.utf8), using: key))
    }

    static func hex(_ id: UUID) -> String {
        withUnsafeBytes(of: id.uuid) { TokenGenerator.hex(Array($0)) }
    }

    static func uuid(_ hex: String) -> UUID? {
        guard hex.count == 32 else { return nil }
        var text = hex
        for position in [8, 13, 18, 23] { text.insert("-", at: text.index(text.startIndex, offsetBy: position)) }
        return UUID(uuidString: text)
    }
}

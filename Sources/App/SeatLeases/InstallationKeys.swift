import Crypto
import Foundation
import HeraldCore

/// The secret an installation proves itself with when it checks in or deactivates itself: HMAC-SHA256 of the
/// installation's id under a key derived from the server secret, handed out with the certificate at activation.
///
/// Derived rather than stored: a repeated activation answers with the same one (as it does with the same
/// certificate), nothing new is kept per installation, and checking one costs an HMAC before any database read,
/// which keeps heartbeats cheap. Separate from the certificate, which is proof to show around (support tickets,
/// `--verify` on another machine): holding a copy of it must not let anyone free the seat. Rotating the server
/// secret invalidates every installation key; the computers then activate again with their codes (same seat).
struct InstallationKeys: Sendable {
    private let key: SymmetricKey

    init(serverSecret: String) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Array(serverSecret.utf8)),
                                     salt: Array("herald.installation-keys.v1".utf8), info: Array("heartbeat".utf8), outputByteCount: 32)
    }

    func key(for installationID: UUID) -> String {
        TokenGenerator.base64URL(Array(HMAC<SHA256>.authenticationCode(for: Self.message(installationID), using: key)))
    }

    /// Compared in constant time; anything that is not base64url of 32 bytes is simply wrong.
    func verify(_ presented: String, for installationID: UUID) -> Bool {
        guard let bytes = Self.decodeBase64URL(presented), bytes.count == 32 else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: Self.message(installationID), using: key)
    }

    private static func message(_ id: UUID) -> [UInt8] {
        Array("installation|\(id.uuidString.lowercased())".utf8)
    }

    private static func decodeBase64URL(_ text: String) -> [UInt8]? {
        guard text.utf8.count <= 64 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64).map(Array.init)
    }
}

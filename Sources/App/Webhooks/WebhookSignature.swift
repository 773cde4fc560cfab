import Crypto
import Foundation

/// Standard Webhooks signing: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` with the key a `whsec_<base64>`
/// secret decodes to. While a rotated secret overlaps, both sign, space-separated, so a receiver holding either verifies.
enum WebhookSignature {
    static let prefix = "whsec_"

    /// 24 random bytes (the size the specification recommends, between 24 and 64).
    static func newSecret() -> String {
        prefix + Data(SymmetricKey(size: .bits192).withUnsafeBytes { Array($0) }).base64EncodedString()
    }

    static func key(_ secret: String) -> SymmetricKey? {
        guard secret.hasPrefix(prefix), let bytes = Data(base64Encoded: String(secret.dropFirst(prefix.count))), !bytes.isEmpty
        else { return nil }
        return SymmetricKey(data: bytes)
    }

    static func sign(id: String, timestamp: Int, body: String, secrets: [String]) -> String {
        let content = Data("\(id).\(timestamp).\(body)".utf8)
        return secrets.compactMap(key).map { key in
            "v1," + Data(HMAC<SHA256>.authenticationCode(for: content, using: key)).base64EncodedString()
        }.joined(separator: " ")
    }
}

import Crypto
import Foundation

/// Secrets for links (invitations, first-run setup, API tokens, CSRF). Only the
/// hash is stored, so a database leak does not hand out working links.
public enum TokenGenerator {
    /// 256 random bits from the system CSPRNG (`getrandom`/`arc4random` behind
    /// `SystemRandomNumberGenerator`), base64url without padding (RFC 4648 5):
    /// 43 characters, safe in a URL path or query without escaping.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) }
        }
        return base64URL(bytes)
    }

    /// SHA-256 of the token, lowercase hex. A plain hash (no salt, no slow KDF) is
    /// right here: the token has 256 bits of entropy, so it cannot be guessed, and
    /// the hash must be a stable lookup key.
    public static func hash(_ token: String) -> String {
        hex(SHA256.hash(data: Array(token.utf8)))
    }

    /// Compares without stopping at the first difference, so response time does
    /// not reveal how much of a guessed token (e.g. a CSRF token) was right.
    public static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            let x = index < left.count ? left[index] : 0
            let y = index < right.count ? right[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && left.count == right.count
    }

    /// True when `token` hashes to `storedHash`, compared in constant time.
    public static func matches(_ token: String, storedHash: String) -> Bool {
        constantTimeEquals(hash(token), storedHash)
    }

    public static func base64URL(_ bytes: [UInt8]) -> String {
        // Byte-wise rather than `replacingOccurrences`, which bridges through NSString on Linux and was the
        // largest cost of making 100,000 invitation links.
        var characters: [UInt8] = []
        characters.reserveCapacity(44)
        for byte in Data(bytes).base64EncodedString().utf8 {
            switch byte {
            case UInt8(ascii: "+"): characters.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): characters.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: characters.append(byte)
            }
        }
        return String(decoding: characters, as: UTF8.self)
    }

    static func hex<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

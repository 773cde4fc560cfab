import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over HOTP, RFC 4226) as authenticator apps make them: HMAC-SHA-1,
/// six digits, 30-second steps. The defaults are the only parameters Google Authenticator, Microsoft
/// Authenticator and most others honour, so Herald does not offer others.
public struct TOTP: Sendable {
    public static let digits = 6
    public static let period: TimeInterval = 30
    /// Steps either side of now that still count, for a phone clock a little off and a code typed near the end of
    /// its step. Two steps back is refused.
    public static let allowedDrift: Int64 = 1

    public let secret: [UInt8]

    public init(secret: [UInt8]) { self.secret = secret }

    /// 160 random bits, the length RFC 4226 recommends for HMAC-SHA-1.
    public static func newSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    public static func step(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / period).rounded(.down))
    }

    /// The code for one time step (HOTP with the step as counter), zero-padded.
    public func code(step: Int64) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let truncated = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = truncated % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: Self.digits - text.count) + text
    }

    /// The step `code` belongs to, if it is the code of now or a step either side and newer than `usedStep` (the last
    /// step this account signed in with: a code is good once, even inside its window). Spaces people type are
    /// ignored; anything but six digits matches nothing.
    public func acceptedStep(for code: String, at date: Date, after usedStep: Int64?) -> Int64? {
        let digits = code.unicodeScalars.filter { $0 != " " && $0 != "-" }
        guard digits.count == Self.digits, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        let typed = String(String.UnicodeScalarView(digits))
        let now = Self.step(at: date)
        var accepted: Int64?
        // Every candidate is compared (no early exit), so the time taken does not tell which step matched.
        for step in (now - Self.allowedDrift)...(now + Self.allowedDrift) where step > (usedStep ?? .min) {
            if TokenGenerator.constantTimeEquals(self.code(step: step), typed), accepted == nil { accepted = step }
        }
        return accepted
    }

    /// `otpauth://totp/Issuer:account?secret=...&issuer=...` (the Key Uri Format authenticator apps read from a QR code).
    public func provisioningURI(account: String, issuer: String) -> String {
        let label = Self.escape(issuer) + ":" + Self.escape(account)
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(Self.escape(issuer))"
            + "&algorithm=SHA1&digits=\(Self.digits)&period=\(Int(Self.period))"
    }

    private static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~@")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// RFC 4648 base32 without padding, as otpauth URIs carry TOTP secrets and people type them.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Nil for anything outside the alphabet; lower case and spaces are accepted.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for scalar in text.uppercased().utf8 where scalar != UInt8(ascii: " ") && scalar != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: scalar) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return out
    }
}

/// Ten single-use codes for signing in without the phone: 10 characters from an alphabet without look-alikes
/// (50 bits each), shown as `xxxxx-xxxxx`. Stored only as SHA-256, like Herald's other tokens: 50 random bits
/// cannot be guessed within the code rate limit, so a slow hash buys nothing.
public enum RecoveryCodes {
    public static let count = 10
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789".utf8)

    public static func generate() -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let characters = (0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            return String(decoding: characters[0..<5], as: UTF8.self) + "-" + String(decoding: characters[5...], as: UTF8.self)
        }
    }

    /// The form a typed code is compared in: lower case, without spaces and dashes.
    public static func normalized(_ code: String) -> String {
        String(String.UnicodeScalarView(code.lowercased().unicodeScalars.filter { $0 != " " && $0 != "-" }))
    }

    public static func hash(_ code: String) -> String { TokenGenerator.hash(normalized(code)) }

    /// Whether `code` looks like a recovery code rather than a six-digit TOTP code.
    public static func looksLikeRecoveryCode(_ code: String) -> Bool { normalized(code).count == 10 }
}

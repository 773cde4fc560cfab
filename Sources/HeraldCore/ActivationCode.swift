/// The temporary code an invitee types into the client to activate an
/// installation, e.g. `K7QH-M3XP-9TRD-WN4C-H2JA`.
///
/// Alphabet: digits and capitals without 0/O, 1/I/L and U (30 symbols), so a code
/// read aloud or copied from paper cannot be mistyped as another valid one.
/// 20 symbols give 20 × log2(30) ≈ 98 bits; 16 would give only 78.5, below the
/// 80 bits that keep online guessing hopeless even before rate limiting.
public struct ActivationCode: Sendable, Hashable, CustomStringConvertible {
    public static let alphabet: [Character] = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ")
    public static let length = 20
    public static let groupLength = 4

    /// The 20 symbols without dashes, e.g. `K7QHM3XP9TRDWN4CH2JA`.
    public let normalized: String

    /// A fresh random code (CSPRNG, uniform over the alphabet by rejection sampling).
    public static func generate() -> ActivationCode {
        var generator = SystemRandomNumberGenerator()
        var symbols = [Character]()
        symbols.reserveCapacity(length)
        // Eight random bytes per call: each call is a getrandom(2) system call, and bulk invitations make
        // 100,000 codes.
        while symbols.count < length {
            var word = generator.next()
            for _ in 0..<8 where symbols.count < length {
                let byte = UInt8(truncatingIfNeeded: word)
                word >>= 8
                // 240 = 8 × 30: bytes above it would make the first symbols likelier.
                guard byte < 240 else { continue }
                symbols.append(alphabet[Int(byte) % alphabet.count])
            }
        }
        return ActivationCode(checkedNormalized: String(symbols))
    }

    /// Parses what a person typed: any case, spaces and dashes anywhere.
    /// Returns nil when it cannot be a code (wrong length or a symbol not in the alphabet).
    public init?(userInput: String) {
        let normalized = Self.normalize(userInput)
        guard normalized.count == Self.length, normalized.allSatisfy(Self.alphabet.contains) else { return nil }
        self.normalized = normalized
    }

    private init(checkedNormalized: String) {
        normalized = checkedNormalized
    }

    /// Grouped for display and email: `K7QH-M3XP-9TRD-WN4C-H2JA`.
    public var description: String {
        var result = ""
        for (index, symbol) in normalized.enumerated() {
            if index > 0 && index % Self.groupLength == 0 { result.append("-") }
            result.append(symbol)
        }
        return result
    }

    /// The stored form: SHA-256 hex of the normalised code (codes are stored only as hashes).
    public var hash: String { TokenGenerator.hash(normalized) }

    /// Uppercases and drops whitespace and dashes (including the Unicode dashes a
    /// word processor substitutes), so `k7qh m3xp–9trd…` hashes like the original.
    public static func normalize(_ input: String) -> String {
        // ASCII, what products send: byte by byte (every activation starts here; characters cost ten times more).
        if input.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(input.utf8.count)
            for byte in input.utf8 {
                switch byte {
                case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: " "), 0x09...0x0D: continue // dashes, whitespace
                case UInt8(ascii: "a")...UInt8(ascii: "z"): bytes.append(byte - 0x20)
                default: bytes.append(byte)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var result = ""
        for character in input.uppercased() where !character.isWhitespace && !isDash(character) {
            result.append(character)
        }
        return result
    }

    /// Hash of what a person typed, for looking the code up; malformed input
    /// simply hashes to something no stored code has.
    public static func hash(_ input: String) -> String {
        TokenGenerator.hash(normalize(input))
    }

    private static let dashes: Set<Character> = ["-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2212}", "_"]

    private static func isDash(_ character: Character) -> Bool {
        dashes.contains(character)
    }
}

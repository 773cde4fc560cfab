import Foundation

/// A small seeded generator so the "random" messages are the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static let pieces: [String] = [
        "a", "Z", "7", " ", " ", "=", ".", "_", "?", "\"", ",", "<", "ä", "ß", "日", "本", "中", "🎉", "👩‍👩‍👧", "é",
        "\t", "-", "=?", "?=", "\\",
    ]

    /// A display name: like `string` but without tabs, which Python's `email`
    /// turns into spaces inside a phrase.
    /// At most 40 UTF-8 bytes, so it fits one encoded word (see `mixedPhrase`).
    mutating func name(maxLength: Int) -> String {
        var name = string(maxLength: maxLength).replacingOccurrences(of: "\t", with: "-")
        while name.utf8.count > 40 { name.removeLast() }
        return name
    }

    /// Header-safe text (no line breaks) mixing ASCII, specials, CJK and emoji.
    mutating func string(maxLength: Int) -> String {
        let length = Int.random(in: 1...maxLength, using: &self)
        var result = ""
        for _ in 0..<length { result += Self.pieces.randomElement(using: &self)! }
        if maxLength > 1000 {
            result = result.replacingOccurrences(of: "Z", with: "\n")
        }
        return result
    }
}

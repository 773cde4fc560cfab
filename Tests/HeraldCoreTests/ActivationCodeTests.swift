import Foundation
import Testing
@testable import HeraldCore

@Suite("ActivationCode")
struct ActivationCodeTests {
    @Test("codes are five groups of four unambiguous symbols")
    func format() {
        // given / when
        let code = ActivationCode.generate()
        // then
        #expect(code.description.wholeMatch(of: /[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){4}/) != nil)
        #expect(!code.description.contains { "01OILU".contains($0) })
    }

    @Test("carries at least 80 bits of entropy")
    func entropy() {
        // given / when
        let bits = Double(ActivationCode.length) * log2(Double(ActivationCode.alphabet.count))
        // then
        #expect(ActivationCode.alphabet.count == 30)
        #expect(bits >= 80)
    }

    @Test("symbols are drawn uniformly")
    func uniform() {
        // given
        var counts = [Character: Int]()
        // when
        for _ in 0..<3000 {
            for symbol in ActivationCode.generate().normalized { counts[symbol, default: 0] += 1 }
        }
        // then: 60,000 symbols, 2,000 expected each; a biased draw would be off by far more.
        #expect(counts.count == 30)
        #expect(counts.values.allSatisfy { (1700...2300).contains($0) })
    }

    @Test("what a person types is normalised before hashing")
    func normalisesInput() throws {
        // given
        let code = ActivationCode.generate()
        let typed = code.description.lowercased().replacingOccurrences(of: "-", with: " ")
        let wordProcessed = code.description.replacingOccurrences(of: "-", with: "\u{2013}")
        // when
        let parsed = try #require(ActivationCode(userInput: "  " + typed + " "))
        // then
        #expect(parsed == code)
        #expect(ActivationCode.hash(typed) == code.hash)
        #expect(ActivationCode.hash(wordProcessed) == code.hash)
        #expect(ActivationCode.hash(code.normalized) == TokenGenerator.hash(code.normalized))
    }

    @Test("ASCII input (read byte by byte) normalises as the same text with one non-ASCII character does")
    func asciiFastPathAgreesWithCharacters() {
        // given: every printable ASCII character, tabs and newlines, in random codes
        var generator = SystemRandomNumberGenerator()
        let alphabet = (0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) } + ["\t", "\n", "\r", "\u{0B}", "\u{0C}"]
        for _ in 0..<500 {
            let ascii = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            // when: the same text plus "é" takes the character-by-character path
            let viaBytes = ActivationCode.normalize(ascii)
            let viaCharacters = ActivationCode.normalize(ascii + "é")
            // then
            #expect(viaBytes + "É" == viaCharacters, "\(ascii.debugDescription)")
        }
    }

    @Test("refuses input that cannot be a code", arguments: [
        "", "K7QH-M3XP", "K7QH-M3XP-9TRD-WN4C-H2JA-AAAA", "O7QH-M3XP-9TRD-WN4C-H2JA", "K7QH-M3XP-9TRD-WN4C-H2J!",
    ])
    func refusesMalformed(_ input: String) {
        // given / when / then
        #expect(ActivationCode(userInput: input) == nil)
    }
}

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

    @Test("refuses input that cannot be a code", arguments: [
        "", "K7QH-M3XP", "K7QH-M3XP-9TRD-WN4C-H2JA-AAAA", "O7QH-M3XP-9TRD-WN4C-H2JA", "K7QH-M3XP-9TRD-WN4C-H2J!",
    ])
    func refusesMalformed(_ input: String) {
        // given / when / then
        #expect(ActivationCode(userInput: input) == nil)
    }
}

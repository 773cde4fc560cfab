import Foundation
import Testing
@testable import HeraldCore

@Suite("TokenGenerator")
struct TokenGeneratorTests {
    @Test("tokens are 43 base64url characters (256 bits) and never repeat")
    func tokens() {
        // given / when
        let tokens = (0..<10_000).map { _ in TokenGenerator.newToken() }
        // then
        #expect(Set(tokens).count == tokens.count)
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(tokens.allSatisfy { $0.count == 43 && $0.allSatisfy(allowed.contains) })
    }

    @Test("tokens use the whole alphabet, as 256 random bits should")
    func distribution() {
        // given
        let text = (0..<2000).map { _ in TokenGenerator.newToken() }.joined()
        // when
        let distinct = Set(text)
        // then
        #expect(distinct.count == 64)
    }

    @Test("hash is SHA-256 in lowercase hex")
    func hash() {
        // given / when / then
        #expect(TokenGenerator.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(TokenGenerator.hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("constant-time comparison agrees with ==", arguments: [
        ("abc", "abc", true), ("abc", "abd", false), ("abc", "ab", false), ("", "", true), ("a", "", false),
        ("ab\0", "ab", false),
    ])
    func constantTime(a: String, b: String, equal: Bool) {
        // given / when / then
        #expect(TokenGenerator.constantTimeEquals(a, b) == equal)
    }

    @Test("matches a token against its stored hash")
    func matches() {
        // given
        let token = TokenGenerator.newToken()
        let stored = TokenGenerator.hash(token)
        // when / then
        #expect(TokenGenerator.matches(token, storedHash: stored))
        #expect(!TokenGenerator.matches(TokenGenerator.newToken(), storedHash: stored))
    }
}

@Suite("Time-ordered UUIDs")
struct TimeOrderedUUIDTests {
    @Test("version 7 with the RFC 4122 variant; later milliseconds sort later, as text too; none repeat")
    func orderedAndUnique() {
        // Half a millisecond past each of 1,000 whole milliseconds two apart, so no rounding lands on a neighbour.
        let moments = (0..<1_000).map { Date(timeIntervalSince1970: (1_790_000_000_000 + 2 * Double($0) + 0.5) / 1000) }
        let ids = moments.map { UUID.timeOrdered(now: $0) }
        #expect(Set(ids).count == ids.count)
        let texts = ids.map(\.uuidString)
        let sortedAsMade = texts == texts.sorted() // a Bool: on failure, not two 1,000-element arrays in the log
        #expect(sortedAsMade, "IDs made later sort later")
        for id in ids.prefix(50) {
            let text = Array(id.uuidString)
            #expect(text[14] == "7", "\(id)")
            #expect("89AB".contains(text[19]), "\(id)")
        }
        // The first 48 bits are the milliseconds since 1970.
        let first = ids[0].uuid
        let milliseconds = [first.0, first.1, first.2, first.3, first.4, first.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_790_000_000_000)
    }
}

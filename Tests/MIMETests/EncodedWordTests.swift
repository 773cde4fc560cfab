import Foundation
import Testing
@testable import MIME

@Suite("RFC 2047 encoded words")
struct EncodedWordTests {
    /// A strict RFC 2047 6.2 reader: whitespace between adjacent encoded words is dropped.
    static func decode(_ tokens: [[UInt8]]) throws -> String {
        var result = [UInt8]()
        for token in tokens {
            let text = String(decoding: token, as: UTF8.self)
            let parts = text.split(separator: "?", omittingEmptySubsequences: false)
            try #require(parts.count == 5 && parts[0] == "=" && parts[1] == "UTF-8" && parts[4] == "=")
            if parts[2] == "B" {
                result += try #require(Data(base64Encoded: String(parts[3])))
            } else {
                var bytes = Array(parts[3].utf8)[...]
                while let byte = bytes.popFirst() {
                    if byte == UInt8(ascii: "_") {
                        result.append(0x20)
                    } else if byte == UInt8(ascii: "=") {
                        let hex = String(decoding: bytes.prefix(2), as: UTF8.self)
                        result.append(try #require(UInt8(hex, radix: 16)))
                        bytes = bytes.dropFirst(2)
                    } else {
                        result.append(byte)
                    }
                }
            }
        }
        let text = String(decoding: result, as: UTF8.self)
        try #require(text.utf8.elementsEqual(result), "not valid UTF-8")
        return text
    }

    @Test("words are at most 75 characters and decode to the original", arguments: [
        "山田 太郎", String(repeating: "株式会社サンプル", count: 6), "Jörg Müller-Lüdenscheidt",
        String(repeating: "👩‍👩‍👧🎉", count: 10), "=?already?= _under_ ? = mixed ü",
        String(repeating: "Ünïcödé ", count: 20),
    ])
    func boundedAndReversible(_ text: String) throws {
        // given / when
        let words = EncodedWord.words(for: text)
        // then
        #expect(words.allSatisfy { $0.count <= EncodedWord.maxLength })
        #expect(try Self.decode(words) == text)
    }

    @Test("never splits a UTF-8 character between two words")
    func wholeCharacters() throws {
        // given
        let text = String(repeating: "日本語🎉ü", count: 30)
        // when
        let words = EncodedWord.words(for: text)
        // then
        #expect(words.count > 1)
        for word in words {
            #expect(try !Self.decode([word]).isEmpty)  // each word alone is valid UTF-8
        }
    }

    @Test("uses Q for mostly-ASCII text and B for mostly non-ASCII text")
    func chooseStyle() {
        // given / when / then
        #expect(EncodedWord.preferredStyle(for: "Einladung für Jörg") == .q)
        #expect(EncodedWord.preferredStyle(for: "邀请您加入示例公司的组织") == .b)
    }

    @Test("the first word fits on the header's first line")
    func firstWordRoom() {
        // given
        let subject = String(repeating: "Grüße ", count: 20)
        // when
        let words = EncodedWord.words(for: subject, firstWordRoom: 78 - "Subject: ".count)
        // then
        #expect(words[0].count <= 69)
        #expect(words.dropFirst().allSatisfy { $0.count <= 75 })
    }

    @Test("a long display name keeps plain words as atoms and encodes the rest")
    func mixedDisplayName() throws {
        // given
        let name = "Maximilian Alexander von Hohenzollern-Sigmaringen und Württemberg"
        // when
        let tokens = MessageRenderer.displayNameTokens(name)
        // then
        let texts = tokens.map { String(decoding: $0, as: UTF8.self) }
        #expect(texts.first == "Maximilian")
        #expect(texts.last == "=?UTF-8?Q?W=C3=BCrttemberg?=")
    }

    @Test("display names with specials are quoted, with quotes and backslashes escaped")
    func quotedDisplayName() {
        // given / when
        let tokens = MessageRenderer.displayNameTokens(#"O'Brien "Bob" \ Jr."#)
        // then
        #expect(tokens.map { String(decoding: $0, as: UTF8.self) } == [#""O'Brien \"Bob\" \\ Jr.""#])
    }
}

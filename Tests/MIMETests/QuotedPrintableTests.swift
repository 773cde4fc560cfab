import Testing
@testable import MIME

@Suite("Quoted-printable and base64 body encoding")
struct QuotedPrintableTests {
    func qp(_ text: String) -> String {
        var out = [UInt8]()
        QuotedPrintable.encode(Array(text.utf8), into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("encodes '=', non-ASCII and trailing whitespace (RFC 2045 6.7 rules 1-3)")
    func encodesSpecials() {
        // given
        let text = "a=b über \r\ntab\t\r\nend "
        // when
        let encoded = qp(text)
        // then
        #expect(encoded == "a=3Db =C3=BCber=20\r\ntab=09\r\nend=20")
    }

    @Test("encodes a dot at the start of a line so an unstuffed relay cannot end the message")
    func encodesLeadingDot() {
        // given / when
        let encoded = qp(".\r\n..x\r\na.b")
        // then
        #expect(encoded == "=2E\r\n=2E.x\r\na.b")
    }

    @Test("soft-breaks long lines at 76 characters without splitting an escape")
    func softBreaks() throws {
        // given
        let text = String(repeating: "é", count: 200) + String(repeating: "x", count: 1200)
        // when
        let lines = qp(text).components(separatedBy: "\r\n")
        // then
        #expect(lines.count > 30)
        for line in lines {
            #expect(line.utf8.count <= 76)
            // "=" is either a soft break at the end or starts a 2-digit escape.
            let bytes = Array(line.utf8)
            for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "=") {
                #expect(i == bytes.count - 1 || i + 2 < bytes.count)
            }
        }
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
    }

    @Test("keeps a 76-character line whole and breaks a 77-character one")
    func exactLimit() {
        // given
        let exact = String(repeating: "a", count: 76)
        let over = String(repeating: "a", count: 77)
        // when / then
        #expect(qp(exact) == exact)
        #expect(qp(over) == String(repeating: "a", count: 75) + "=\r\naa")
    }

    @Test("base64 bodies use 76-character lines")
    func base64Lines() {
        // given
        let data = Array("日本語のテキストです。".utf8) + Array(repeating: 0xE3, count: 200)
        // when
        var out = [UInt8]()
        Base64.encodeLines(data, into: &out)
        let lines = String(decoding: out, as: UTF8.self).components(separatedBy: "\r\n")
        // then
        #expect(lines.dropLast().allSatisfy { $0.count == 76 })
        #expect(lines.last!.count <= 76)
        #expect(Base64.lineLength == 76)
    }

    @Test("picks 7bit for short ASCII, quoted-printable for mostly ASCII, base64 for mostly non-ASCII")
    func choosesEncoding() {
        // given / when / then
        #expect(TextBody("Hello,\nplease join.\n").encoding == .sevenBit)
        #expect(TextBody(String(repeating: "x", count: 999)).encoding == .quotedPrintable)
        #expect(TextBody("Sehr geehrte Frau Müller, bitte treten Sie bei.").encoding == .quotedPrintable)
        #expect(TextBody("山田様、株式会社サンプルへの招待が届いています。").encoding == .base64)
        #expect(TextBody("bell\u{07}").encoding == .quotedPrintable)
    }

    @Test("canonicalises LF, CR and CRLF line breaks to CRLF")
    func canonicalLineBreaks() {
        // given / when
        let body = TextBody("a\nb\rc\r\nd")
        // then
        #expect(body.bytes == Array("a\r\nb\r\nc\r\nd".utf8))
    }
}

import MIME
import NIOCore
import Testing

@testable import SMTP

@Suite("SMTP commands and message data on the wire")
struct SMTPEncodingTests {
    func encoded(_ outbound: SMTPOutbound) -> String {
        var out = ByteBuffer()
        SMTPCommandEncoder().encode(data: outbound, out: &out)
        return String(buffer: out)
    }

    @Test("commands are CRLF lines, a pipelined group in one buffer")
    func commands() {
        // given
        let commands: [SMTPCommand] = [
            .mail(from: "", parameters: ["SIZE=12", "BODY=8BITMIME"]), .rcpt(to: "a@b.org"), .data, .rset, .quit,
        ]
        // when
        let wire = encoded(.commands(commands))
        // then
        #expect(wire == "MAIL FROM:<> SIZE=12 BODY=8BITMIME\r\nRCPT TO:<a@b.org>\r\nDATA\r\nRSET\r\nQUIT\r\n")
    }

    @Test("lines starting with a dot get one more, and the data ends with CRLF.CRLF")
    func dotStuffing() {
        // given
        let message = ".first\r\nplain\r\n..two\r\n.\r\nmid.dot\r\n"
        // when
        let wire = encoded(.messageBody(ByteBuffer(string: message)))
        // then
        #expect(wire == "..first\r\nplain\r\n...two\r\n..\r\nmid.dot\r\n.\r\n")
    }

    @Test("a message without a final line end gets CRLF before the terminating dot")
    func missingFinalLineEnd() {
        // given / when
        let wire = encoded(.messageBody(ByteBuffer(string: "no newline\r\n.x")))
        // then
        #expect(wire == "no newline\r\n..x\r\n.\r\n")
    }

    @Test("an empty message is just the terminating dot")
    func emptyMessage() {
        // given / when
        let wire = encoded(.messageBody(ByteBuffer()))
        // then
        #expect(wire == ".\r\n")
    }

    @Test("a message read from a slice keeps its own bounds")
    func slicedMessage() {
        // given
        var buffer = ByteBuffer(string: "xx.a\r\n.b\r\nyy")
        buffer.moveReaderIndex(forwardBy: 2)
        let message = buffer.getSlice(at: buffer.readerIndex, length: 8)!
        // when
        let wire = encoded(.messageBody(message))
        // then
        #expect(wire == "..a\r\n..b\r\n.\r\n")
    }

    @Test("8-bit bytes are found wherever they are")
    func eightBitDetection() {
        // given
        let ascii = ByteBuffer(string: String(repeating: "plain ascii text ", count: 20))
        let tail = ByteBuffer(string: String(repeating: "a", count: 21) + "é")
        let head = ByteBuffer(string: "é" + String(repeating: "a", count: 30))
        // when / then
        #expect(!DotStuffing.hasEightBitBytes(ascii))
        #expect(DotStuffing.hasEightBitBytes(tail))
        #expect(DotStuffing.hasEightBitBytes(head))
    }

    @Test("base64 matches RFC 4648 test vectors")
    func base64() {
        // given
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        // when / then
        for (input, output) in vectors { #expect(Base64.encode(input.utf8) == output) }
    }
}

import NIOCore
import NIOEmbedded
import Testing

@testable import SMTP

@Suite("SMTP reply framing and parsing")
struct SMTPReplyDecodingTests {
    @Test("lines are split on CRLF across reads, a bare LF is tolerated")
    func lineFraming() throws {
        // given
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPLineDecoder()))
        // when
        try channel.writeInbound(ByteBuffer(string: "250-first\r\n250-sec"))
        try channel.writeInbound(ByteBuffer(string: "ond\r\n250 third\n"))
        // then
        var lines: [String] = []
        while let line = try channel.readInbound(as: ByteBuffer.self) { lines.append(String(buffer: line)) }
        #expect(lines == ["250-first", "250-second", "250 third"])
        _ = try channel.finish()
    }

    @Test("a line longer than the maximum is an error, not unbounded buffering")
    func lineTooLong() throws {
        // given
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(SMTPLineDecoder(maximumLineLength: 16)))
        // when
        let error = #expect(throws: SMTPLineDecoder.LineTooLong.self) {
            try channel.writeInbound(ByteBuffer(string: String(repeating: "x", count: 40)))
        }
        // then
        #expect(error == SMTPLineDecoder.LineTooLong(maximumLength: 16))
        _ = try? channel.finish()
    }

    @Test("a multi-line EHLO reply becomes one reply with its capabilities")
    func multiLineEHLO() throws {
        // given
        var parser = SMTPReplyParser()
        let lines = ["250-mx.example.org hello", "250-PIPELINING", "250-SIZE 35882577", "250-AUTH=LOGIN",
                     "250-auth PLAIN LOGIN", "250-8BITMIME", "250 SMTPUTF8"]
        // when
        var replies: [SMTPReply] = []
        for line in lines { if let reply = try parser.parse(ByteBuffer(string: line)) { replies.append(reply) } }
        // then
        let reply = try #require(replies.first)
        #expect(replies.count == 1)
        #expect(reply.code == 250)
        #expect(reply.lines.count == 7)
        let capabilities = SMTPCapabilities(ehloReply: reply)
        #expect(capabilities.pipelining)
        #expect(capabilities.maximumMessageSize == 35_882_577)
        #expect(capabilities.authMechanisms == ["LOGIN", "PLAIN"])
        #expect(capabilities.eightBitMIME && capabilities.smtpUTF8)
        #expect(!capabilities.startTLS)
    }

    @Test("an RFC 3463 code of the reply's class is taken apart from the text")
    func enhancedCodes() throws {
        // given
        var parser = SMTPReplyParser()
        // when
        let matching = try parser.parse(ByteBuffer(string: "550 5.1.1 <a@b>: user unknown"))
        let otherClass = try parser.parse(ByteBuffer(string: "550 2.1.1 odd"))
        let plain = try parser.parse(ByteBuffer(string: "250 ok"))
        let bare = try parser.parse(ByteBuffer(string: "250"))
        // then
        #expect(matching == SMTPReply(code: 550, enhancedCode: "5.1.1", lines: ["5.1.1 <a@b>: user unknown"]))
        #expect(otherClass?.enhancedCode == nil)
        #expect(plain?.enhancedCode == nil)
        #expect(bare == SMTPReply(code: 250, lines: [""]))
    }

    @Test("lines that are not SMTP replies are refused", arguments: [
        "hello", "25", "250x", "600 no", "199 no", "2a0 no", "",
    ])
    func invalidLines(line: String) {
        // given
        var parser = SMTPReplyParser()
        // when / then
        #expect(throws: SMTPReplyParser.InvalidReply.self) { try parser.parse(ByteBuffer(string: line)) }
    }

    @Test("a continuation with another code is refused")
    func mixedCodes() throws {
        // given
        var parser = SMTPReplyParser()
        _ = try parser.parse(ByteBuffer(string: "250-first"))
        // when / then
        #expect(throws: SMTPReplyParser.InvalidReply.self) { try parser.parse(ByteBuffer(string: "251 second")) }
    }
}

import NIOCore

/// Aggregates reply lines into replies (RFC 5321 4.2.1): "250-..." continues, "250 ..." ends.
///
/// Any line that is not a reply line (three digits 2-5, then SP, "-" or end of line) or a
/// continuation with another code is a protocol violation: the client cannot know what the
/// server meant, so the session must end.
struct SMTPReplyParser {
    struct InvalidReply: Error, Equatable {
        var line: String
    }

    private var code: Int?
    private var lines: [String] = []

    /// Returns the reply when `line` completes one.
    mutating func parse(_ line: ByteBuffer) throws -> SMTPReply? {
        let bytes = line.readableBytesView
        guard bytes.count >= 3,
            let code = Self.code(bytes[bytes.startIndex], bytes[bytes.startIndex + 1], bytes[bytes.startIndex + 2])
        else { throw InvalidReply(line: String(buffer: line)) }
        var isLast = true
        if bytes.count > 3 {
            switch bytes[bytes.startIndex + 3] {
            case UInt8(ascii: " "): isLast = true
            case UInt8(ascii: "-"): isLast = false
            default: throw InvalidReply(line: String(buffer: line))
            }
        }
        if let previous = self.code, previous != code { throw InvalidReply(line: String(buffer: line)) }
        let text = bytes.count > 4 ? String(decoding: bytes.dropFirst(4), as: UTF8.self) : ""
        guard isLast else {
            self.code = code
            lines.append(text)
            return nil
        }
        var all = lines
        all.append(text)
        self.code = nil
        lines = []
        return SMTPReply(code: code, enhancedCode: Self.enhancedCode(in: all[0], replyCode: code), lines: all)
    }

    private static func code(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        guard (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(a),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b),
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
        else { return nil }
        return Int(a - 48) * 100 + Int(b - 48) * 10 + Int(c - 48)
    }

    /// An RFC 3463 code ("class.subject.detail") at the start of the text, whose class matches
    /// the reply code's first digit as RFC 2034 section 4 requires; nil otherwise. The state
    /// machine drops it again when the server did not offer ENHANCEDSTATUSCODES.
    static func enhancedCode(in text: String, replyCode: Int) -> String? {
        let utf8 = text.utf8
        var parts: [Int] = [0]
        var digits = 0
        var end = utf8.endIndex
        for index in utf8.indices {
            let byte = utf8[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits += 1
                guard digits <= 3 else { return nil }
            } else if byte == UInt8(ascii: "."), digits > 0, parts.count < 3 {
                parts.append(0)
                digits = 0
            } else if byte == UInt8(ascii: " ") {
                end = index
                break
            } else {
                return nil
            }
        }
        guard parts.count == 3, digits > 0 else { return nil }
        let enhanced = String(text[..<end])
        guard enhanced.utf8.first.map({ Int($0) - 48 }) == replyCode / 100 else { return nil }
        return enhanced
    }
}

/// The pipeline stage turning lines from `SMTPLineDecoder` into `SMTPReply` values.
final class SMTPReplyDecoder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = SMTPReply

    private var parser = SMTPReplyParser()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            if let reply = try parser.parse(unwrapInboundIn(data)) {
                context.fireChannelRead(wrapInboundOut(reply))
            }
        } catch {
            context.fireErrorCaught(error)
        }
    }
}

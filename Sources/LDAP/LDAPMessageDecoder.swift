import NIOCore

/// Cuts the byte stream into LDAPMessages and decodes each (RFC 4511 5.1: every message is a definite-length
/// SEQUENCE). The length is checked before a byte of the body is buffered, so a hostile length costs nothing.
struct LDAPMessageDecoder: ByteToMessageDecoder {
    typealias InboundOut = LDAPMessage

    struct MessageTooLong: Error, Equatable { var length: Int; var maximum: Int }

    let maximumMessageLength: Int
    let startTLSBoundary: LDAPStartTLSBoundary?

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = try Self.frameLength(buffer.readableBytesView, maximum: maximumMessageLength) else {
            return .needMoreData
        }
        let bytes = buffer.readBytes(length: length)!  // frameLength counted them
        // Entries, nearly all of a search's messages, are read by the scanner; it leaves anything else to the plain path.
        let message = try SearchResultEntryScanner.scan(bytes[...]) ?? LDAPMessage(berEncoded: bytes[...])
        if let boundary = startTLSBoundary, boundary.isArmed, case .extendedResponse = message.operation {
            // The server must send nothing else before the handshake: bytes here were sent in cleartext and could
            // have been injected (the STARTTLS command injection class of attacks).
            boundary.isArmed = false
            guard buffer.readableBytes == 0 else { throw LDAPDecodingError("data after the StartTLS response, before TLS") }
        }
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// The whole message's length (header included) once the header is complete and the body is all there; nil when
    /// more bytes are needed.
    static func frameLength(_ bytes: ByteBufferView, maximum: Int) throws -> Int? {
        guard bytes.count >= 2 else { return nil }
        let start = bytes.startIndex
        guard bytes[start] == 0x30 else {
            throw LDAPDecodingError("a message starts with 0x\(String(bytes[start], radix: 16)), not a SEQUENCE")
        }
        let first = bytes[start + 1]
        var bodyLength = Int(first)
        var headerLength = 2
        if first & 0x80 != 0 {
            let count = Int(first & 0x7f)
            // 0x80 is BER's indefinite length, which LDAP forbids; more than 4 length bytes is beyond any maximum.
            guard (1...4).contains(count) else { throw LDAPDecodingError("invalid message length encoding") }
            guard bytes.count >= 2 + count else { return nil }
            bodyLength = 0
            for index in 0..<count { bodyLength = bodyLength << 8 | Int(bytes[start + 2 + index]) }
            headerLength += count
        }
        guard bodyLength <= maximum else { throw MessageTooLong(length: bodyLength, maximum: maximum) }
        let total = headerLength + bodyLength
        return bytes.count >= total ? total : nil
    }
}

/// Set by the client handler when it sends StartTLS, so the decoder can refuse anything the server sends after
/// the response and before the handshake. Used on the channel's event loop only.
final class LDAPStartTLSBoundary {
    var isArmed = false
}

/// Writes the client's messages.
struct LDAPMessageEncoder: MessageToByteEncoder {
    typealias OutboundIn = LDAPMessage

    func encode(data: LDAPMessage, out: inout ByteBuffer) throws {
        out.writeBytes(try data.encoded())
    }
}

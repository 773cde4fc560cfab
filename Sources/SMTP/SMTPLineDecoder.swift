import NIOCore

/// Frames the server's byte stream into lines, without the line end.
///
/// Lines end in CRLF (RFC 5321 2.3.8); a bare LF is accepted too, since being strict there gains
/// nothing. A line longer than `maximumLineLength` is an error rather than unbounded buffering.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    struct LineTooLong: Error, Equatable {
        var maximumLength: Int
    }

    /// The server sent more bytes in the same read as its reply to STARTTLS.
    struct CleartextAfterStartTLS: Error, Equatable {}

    let maximumLineLength: Int
    let startTLSBoundary: SMTPStartTLSBoundary?
    /// Bytes already searched for LF, so a long partial line is not rescanned on every read.
    private var scanned = 0

    init(maximumLineLength: Int = 4096, startTLSBoundary: SMTPStartTLSBoundary? = nil) {
        self.maximumLineLength = maximumLineLength
        self.startTLSBoundary = startTLSBoundary
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let line = try nextLine(&buffer) else { return .needMoreData }
        if let boundary = startTLSBoundary, boundary.isArmed, !Self.isContinuation(line) {
            // RFC 3207 5: bytes after the reply to STARTTLS were sent in cleartext; once TLS is
            // in front of this decoder they would be read as if protected (CVE-2011-0411).
            boundary.isArmed = false
            if buffer.readableBytes > 0 { throw CleartextAfterStartTLS() }
        }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        // A partial line at end of stream is dropped: the connection is gone anyway.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    private static func isContinuation(_ line: ByteBuffer) -> Bool {
        line.readableBytes > 3 && line.getInteger(at: line.readerIndex + 3, as: UInt8.self) == UInt8(ascii: "-")
    }

    /// The next complete line, or nil when more bytes are needed.
    mutating func nextLine(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
        let view = buffer.readableBytesView
        let start = view.index(view.startIndex, offsetBy: scanned)
        guard let lf = view[start...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            if scanned > maximumLineLength { throw LineTooLong(maximumLength: maximumLineLength) }
            return nil
        }
        scanned = 0
        let length = lf - view.startIndex
        var lineLength = length
        if lineLength > 0, view[lf - 1] == UInt8(ascii: "\r") { lineLength -= 1 }
        if lineLength > maximumLineLength { throw LineTooLong(maximumLength: maximumLineLength) }
        let line = buffer.getSlice(at: buffer.readerIndex, length: lineLength)!
        buffer.moveReaderIndex(forwardBy: length + 1)
        return line
    }
}

/// Set by the client handler when it sends STARTTLS, so the line decoder can refuse anything
/// the server sends after its reply and before the handshake. Used on the channel's event loop only.
final class SMTPStartTLSBoundary {
    var isArmed = false
}

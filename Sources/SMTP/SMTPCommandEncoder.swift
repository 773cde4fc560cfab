import NIOCore

/// What the client handler hands to the wire.
enum SMTPOutbound: Sendable, Equatable {
    /// Command lines, written in one buffer so a pipelined group (RFC 2920) goes out together.
    case commands([SMTPCommand])
    /// A message, not yet dot-stuffed; it is written stuffed and followed by ".CRLF".
    case messageBody(ByteBuffer)
}

/// Encodes commands as CRLF-terminated lines and message bodies with dot-stuffing.
struct SMTPCommandEncoder: MessageToByteEncoder {
    typealias OutboundIn = SMTPOutbound

    func encode(data: SMTPOutbound, out: inout ByteBuffer) {
        switch data {
        case .commands(let commands):
            for command in commands {
                out.writeString(command.line)
                out.writeStaticString("\r\n")
            }
        case .messageBody(let message):
            DotStuffing.write(message, into: &out)
        }
    }
}

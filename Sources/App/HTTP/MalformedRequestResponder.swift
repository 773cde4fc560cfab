import NIOCore
import NIOHTTP1

/// Answers a request that NIO's HTTP parser refuses (431 for headers over its 80 KB limit, 400 for anything else
/// that is not HTTP/1.1) instead of dropping the connection without a word, which a client, a proxy or a person
/// reads as "the server crashed" and retries.
///
/// Sits right after the parser, where NIO's own `HTTPServerProtocolErrorHandler` would (Vapor installs none). After
/// answering it closes only the sending side and reads the rest of the oversized request away for a moment: closing
/// at once with unread bytes makes the kernel send a reset, and the client may then lose the answer itself.
final class MalformedRequestResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// How long the rest of a refused request may keep arriving before the connection is closed regardless.
    static let drainTime = TimeAmount.seconds(2)

    private var responseInProgress = false
    private var answered = false

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if answered {
            // The parser stays failed: every later read reports it again. Those are the bytes being drained.
            return
        }
        guard let parserError = error as? HTTPParserError, !responseInProgress else {
            context.fireErrorCaught(error)
            return
        }
        answered = true
        let (status, text) = Self.answer(to: parserError)
        let body = context.channel.allocator.buffer(string: text)
        let headers = HTTPHeaders([
            ("Connection", "close"), ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", String(body.readableBytes)),
        ])
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(mode: .output, promise: nil)
        }
        channel.eventLoop.scheduleTask(in: Self.drainTime) { channel.close(promise: nil) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code >= 200: responseInProgress = true
        case .end: responseInProgress = false
        default: break
        }
        context.write(data, promise: promise)
    }

    static func answer(to error: HTTPParserError) -> (HTTPResponseStatus, String) {
        switch error {
        case .headerOverflow:
            (.requestHeaderFieldsTooLarge, "431 Request Header Fields Too Large: the request line and headers must stay under 80 KB.\n")
        default:
            (.badRequest, "400 Bad Request: the request is not valid HTTP/1.1.\n")
        }
    }
}

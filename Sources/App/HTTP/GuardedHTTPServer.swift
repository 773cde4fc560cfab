import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Vapor

/// Vapor's HTTP server with `MalformedRequestResponder` in every HTTP/1 connection.
///
/// Vapor builds each connection's handlers itself and offers no hook to add one, so this wrapper starts Vapor's own
/// server and then puts a handler in front of its listening socket: every accepted connection passes through it
/// before Vapor's initializer runs. The listening channel is private to Vapor's `HTTPServer` and is read by
/// reflection; if a Vapor upgrade renames it, the server still runs (without the handler), a warning is logged,
/// and MalformedRequestTests fails.
struct GuardedHTTPServer: Server {
    let base: HTTPServer
    let logger: Logger

    var onShutdown: EventLoopFuture<Void> { base.onShutdown }

    func start(address: BindAddress?) async throws {
        try await base.start(address: address)
        try await installGuard().get()
    }

    @available(*, noasync)
    func start(address: BindAddress?) throws {
        try base.start(address: address)
        try installGuard().wait()
    }

    func shutdown() async { await base.shutdown() }

    @available(*, noasync)
    func shutdown() { base.shutdown() }

    private func installGuard() -> EventLoopFuture<Void> {
        guard let listening = Self.listeningChannel(of: base) else {
            logger.warning("cannot reach the HTTP server's listening socket: malformed requests will be dropped unanswered")
            return base.onShutdown.eventLoop.makeSucceededVoidFuture()
        }
        return listening.pipeline.addHandler(ConnectionGuardInstaller(), position: .first)
    }

    static func listeningChannel(of server: HTTPServer) -> (any Channel)? {
        guard let box = Mirror(reflecting: server).descendant("connection") as? any LockedValueReading else { return nil }
        return Mirror(reflecting: box.lockedValue).descendant("some", "channel") as? any Channel
    }
}

/// Reads a `NIOLockedValueBox` whose value type is private to another module.
private protocol LockedValueReading {
    var lockedValue: Any { get }
}

extension NIOLockedValueBox: LockedValueReading {
    fileprivate var lockedValue: Any { withLockedValue { $0 } }
}

/// In the listening channel: each accepted connection arrives here as a `Channel`, before Vapor's initializer.
private final class ConnectionGuardInstaller: ChannelInboundHandler, Sendable {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let connection = unwrapInboundIn(data)
        // The accept handler runs Vapor's initializer next, at once on this loop or queued on the connection's:
        // either way this is in place before it.
        if connection.eventLoop.inEventLoop {
            try? connection.pipeline.syncOperations.addHandler(ParserNeighbourFinder(), position: .first)
        } else {
            connection.eventLoop.execute {
                try? connection.pipeline.syncOperations.addHandler(ParserNeighbourFinder(), position: .first)
            }
        }
        context.fireChannelRead(data)
    }
}

/// In a new connection until it becomes active, when Vapor's handlers are in place: puts the responder right after
/// the HTTP parser (after the pipelining handler when there is one, as NIO's own server pipeline does), then leaves.
private final class ParserNeighbourFinder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func channelActive(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        let parser = (try? pipeline.context(handlerType: HTTPServerPipelineHandler.self))
            ?? (try? pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self))
        if let parser {
            try? pipeline.addHandler(MalformedRequestResponder(), position: .after(parser.handler))
        }
        context.fireChannelActive()
        pipeline.removeHandler(context: context, promise: nil)
    }
}

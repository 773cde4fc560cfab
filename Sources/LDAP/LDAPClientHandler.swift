import Logging
import NIOCore
import NIOTLS

/// What `LDAPClient` asks of the session; written into the channel from any thread.
enum LDAPClientRequest: Sendable {
    case bind(dn: String, password: String, EventLoopPromise<Void>)
    case search(LDAPSearchParameters, pageSize: Int?, LDAPSearchResults.Source, LDAPSearchToken)
    case close(EventLoopPromise<Void>)
}

/// The consumer of a search's entries, reported from any thread (`LDAPSearchResults`' back-pressure delegate).
enum LDAPConsumerEvent: Sendable {
    case produceMore(LDAPSearchToken)
    case terminated(LDAPSearchToken)
}

/// Performs what `LDAPStateMachine` decides: writes messages, starts TLS, runs the response timer, hands entries to
/// the running search in batches and stops reading from the socket while its consumer is behind.
final class LDAPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = LDAPMessage
    typealias OutboundIn = LDAPClientRequest
    typealias OutboundOut = LDAPMessage

    typealias TLSHandlerFactory = () throws -> any ChannelHandler

    enum Operation {
        case bind(EventLoopPromise<Void>)
        case search(LDAPSearchResults.Source, LDAPSearchToken)
    }

    /// Entries handed to the consumer at once at most; a batch also ends with each read from the socket.
    static let maximumBatch = 500

    var machine: LDAPStateMachine
    let timeouts: (connect: TimeAmount, response: TimeAmount)
    let startTLSBoundary: LDAPStartTLSBoundary?
    /// Settable so tests can stand in for NIOSSL.
    var makeTLSHandler: TLSHandlerFactory?
    /// Turns what NIOSSL reports into a classified error (the connection's `LDAPTLS` knows the expected name).
    let classifyTLSError: @Sendable (any Error) -> LDAPError?
    let connected: EventLoopPromise<Void>
    var connectedCompleted = false
    var operation: Operation?
    var batch: [LDAPEntry] = []
    /// The consumer asked us to stop; reads from the socket are held until it asks for more.
    var consumerIsBehind = false
    var heldRead = false
    var timer: Scheduled<Void>?
    var deadline: NIODeadline?
    var context: ChannelHandlerContext?
    let logger: Logger

    init(
        security: LDAPConfiguration.Security, timeouts: (connect: TimeAmount, response: TimeAmount),
        connected: EventLoopPromise<Void>, logger: Logger, startTLSBoundary: LDAPStartTLSBoundary?,
        makeTLSHandler: TLSHandlerFactory?, classifyTLSError: @escaping @Sendable (any Error) -> LDAPError?
    ) {
        self.machine = LDAPStateMachine(security: security)
        self.timeouts = timeouts
        self.connected = connected
        self.logger = logger
        self.startTLSBoundary = startTLSBoundary
        self.makeTLSHandler = makeTLSHandler
        self.classifyTLSError = classifyTLSError
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { perform(machine.channelActive(), context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        let actions = machine.failSession(LDAPError(.connectionFailed, message: "LDAP handler removed"))
        perform(actions.filter { $0 != .close }, context: context)
        cancelTimer()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        perform(machine.channelActive(), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.channelClosed(), context: context)
        cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        perform(machine.received(unwrapInboundIn(data)), context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        deliverBatch()
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { perform(machine.tlsEstablished(), context: context) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let classified = ldapError(for: error)
        logger.debug("LDAP session failed", metadata: ["ldap.error": "\(classified)"])
        perform(machine.failSession(classified), context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .bind(let dn, let password, let done):
            start(.bind(done), machine.bindRequested(dn: dn, password: password), context: context)
        case .search(let parameters, let pageSize, let source, let token):
            start(.search(source, token), machine.searchRequested(parameters, pageSize: pageSize), context: context)
        case .close(let closed):
            context.channel.closeFuture.cascade(to: closed)
            perform(machine.closeRequested(), context: context)
        }
        promise?.succeed(())
    }

    /// Holds reads while the consumer of a search is behind: the kernel's buffer fills and TCP slows the server.
    func read(context: ChannelHandlerContext) {
        if consumerIsBehind {
            heldRead = true
        } else {
            context.read()
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let event = event as? LDAPConsumerEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch event {
        case .produceMore(let token):
            if case .search(_, let running) = operation, running === token { resumeReading(context: context) }
        case .terminated(let token):
            if case .search(_, let running) = operation, running === token {
                operation = nil
                batch = []
                perform(machine.searchAbandoned(), context: context)
                resumeReading(context: context)
            }
        }
        promise?.succeed(())
    }

    private func start(_ requested: Operation, _ actions: [LDAPStateMachine.Action], context: ChannelHandlerContext) {
        if case .reject(let error) = actions.first {
            Self.fail(requested, error)
            return
        }
        operation = requested
        perform(actions, context: context)
    }

    func resumeReading(context: ChannelHandlerContext) {
        consumerIsBehind = false
        updateTimer()
        if heldRead {
            heldRead = false
            context.read()
        }
    }
}

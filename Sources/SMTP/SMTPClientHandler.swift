import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// What `SMTPConnection` asks of the session; written into the channel from any thread.
enum SMTPClientRequest: Sendable {
    case send([(envelope: SMTPEnvelope, promise: EventLoopPromise<SMTPDeliveryReceipt>)])
    case close(EventLoopPromise<Void>)
}

/// Performs what `SMTPStateMachine` decides: writes commands and bodies, starts TLS, keeps the
/// reply timer, and completes the promises of the session and of each transaction.
final class SMTPClientHandler: ChannelDuplexHandler {
    typealias InboundIn = SMTPReply
    typealias OutboundIn = SMTPClientRequest
    typealias OutboundOut = SMTPOutbound

    /// Makes the TLS handler put in front of the pipeline after STARTTLS's 220.
    typealias TLSHandlerFactory = () throws -> any ChannelHandler

    var machine: SMTPStateMachine
    let startTLSBoundary: SMTPStartTLSBoundary?
    /// Settable so tests can stand in for NIOSSL.
    var makeTLSHandler: TLSHandlerFactory?
    private let readyPromise: EventLoopPromise<SMTPCapabilities>
    private var readyCompleted = false
    private var transactions: [Int: EventLoopPromise<SMTPDeliveryReceipt>] = [:]
    private var nextTransactionID = 0
    var pendingBodyWrites = 0
    var deadline: NIODeadline?
    var timer: (task: Scheduled<Void>, deadline: NIODeadline)?
    var context: ChannelHandlerContext?
    private let logger: Logger

    init(
        configuration: SMTPStateMachine.Configuration,
        ready: EventLoopPromise<SMTPCapabilities>,
        logger: Logger,
        startTLSBoundary: SMTPStartTLSBoundary? = nil,
        makeTLSHandler: TLSHandlerFactory?
    ) {
        self.startTLSBoundary = startTLSBoundary
        self.machine = SMTPStateMachine(configuration: configuration)
        self.readyPromise = ready
        self.logger = logger
        self.makeTLSHandler = makeTLSHandler
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { updateDeadline() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // Only complete what waits; the context can no longer write or close.
        let actions = machine.failSession(SMTPError(.connectionFailed, message: "SMTP handler removed"))
        perform(actions.filter { if case .close = $0 { false } else { true } }, context: context)
        timer?.task.cancel()
        timer = nil
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        updateDeadline()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.channelClosed(), context: context)
        timer?.task.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        logger.trace("SMTP reply", metadata: ["smtp.reply": "\(reply)"])
        perform(machine.received(reply), context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            perform(machine.tlsEstablished(), context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let smtpError = Self.smtpError(for: error, command: machine.awaitedCommand)
        logger.debug("SMTP session failed", metadata: ["smtp.error": "\(smtpError)"])
        perform(machine.failSession(smtpError), context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .send(let requests):
            var actions: [SMTPStateMachine.Action] = []
            for request in requests {
                let id = nextTransactionID
                nextTransactionID += 1
                transactions[id] = request.promise
                actions += machine.messageRequested(id: id, request.envelope)
            }
            perform(actions, context: context)
        case .close(let closed):
            context.channel.closeFuture.cascade(to: closed)
            perform(machine.closeRequested(), context: context)
        }
        promise?.succeed(())
    }

    // MARK: Performing actions

    func perform(_ actions: [SMTPStateMachine.Action], context: ChannelHandlerContext) {
        var wrote = false
        for action in actions {
            switch action {
            case .send(let commands):
                logger.trace("SMTP send", metadata: ["smtp.commands": "\(commands.map(\.description))"])
                if commands.contains(.startTLS) { startTLSBoundary?.isArmed = true }
                context.write(wrapOutboundOut(.commands(commands)), promise: nil)
                wrote = true
            case .sendBody(let message):
                pendingBodyWrites += 1
                let written = context.eventLoop.makePromise(of: Void.self)
                written.futureResult.assumeIsolated().whenComplete { [self] _ in
                    pendingBodyWrites -= 1
                    updateDeadline()
                }
                context.write(wrapOutboundOut(.messageBody(message)), promise: written)
                wrote = true
            case .startTLS:
                if wrote { context.flush() }
                wrote = false
                startTLS(context: context)
            case .sessionReady(let capabilities):
                logger.debug("SMTP session ready", metadata: ["smtp.extensions": "\(capabilities.extensions.keys.sorted())"])
                completeReady(.success(capabilities))
            case .finishTransaction(let id, let result):
                transactions.removeValue(forKey: id)?.completeWith(result.mapError { $0 as any Error })
            case .fail(let error):
                completeReady(.failure(error))
                for promise in transactions.values { promise.fail(error) }
                transactions.removeAll()
            case .close:
                if wrote { context.flush() }
                wrote = false
                context.close(promise: nil)
            }
        }
        if wrote { context.flush() }
        updateDeadline()
    }

    private func startTLS(context: ChannelHandlerContext) {
        do {
            guard let makeTLSHandler else { throw SMTPError(.invalidConfiguration, message: "no TLS configuration") }
            try context.pipeline.syncOperations.addHandler(makeTLSHandler(), position: .first)
        } catch {
            perform(machine.failSession(Self.smtpError(for: error, command: "STARTTLS")), context: context)
        }
    }

    private func completeReady(_ result: Result<SMTPCapabilities, SMTPError>) {
        guard !readyCompleted else { return }
        readyCompleted = true
        readyPromise.completeWith(result.mapError { $0 as any Error })
    }
}

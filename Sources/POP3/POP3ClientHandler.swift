import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// What `POP3Connection` asks of the session; written into the channel from any thread.
enum POP3ClientRequest: Sendable {
    case command(POP3Command, EventLoopPromise<POP3Reply>)
}

/// Performs what `POP3StateMachine` decides: frames lines, writes commands, starts TLS after STLS, keeps the reply
/// timer, and completes the promises of the sign-in and of each command.
final class POP3ClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = POP3ClientRequest
    typealias OutboundOut = ByteBuffer

    typealias TLSHandlerFactory = () throws -> any ChannelHandler

    var machine: POP3StateMachine
    /// Settable so tests can stand in for NIOSSL.
    var makeTLSHandler: TLSHandlerFactory?
    private var lines = POP3LineBuffer()
    private let readyPromise: EventLoopPromise<Void>
    private var readyCompleted = false
    private var commands: [Int: EventLoopPromise<POP3Reply>] = [:]
    private var nextID = 0
    private let replyTimeout: TimeAmount
    private var timer: Scheduled<Void>?
    private let logger: Logger

    init(configuration: POP3StateMachine.Configuration, ready: EventLoopPromise<Void>, replyTimeout: TimeAmount,
         logger: Logger, makeTLSHandler: TLSHandlerFactory?) {
        machine = POP3StateMachine(configuration: configuration)
        readyPromise = ready
        self.replyTimeout = replyTimeout
        self.logger = logger
        self.makeTLSHandler = makeTLSHandler
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armTimer(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        let actions = machine.failSession(POP3Error(.connectionFailed, message: "POP3 handler removed"))
        perform(actions.filter { $0 != .close }, context: context)
        timer?.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        armTimer(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(machine.channelClosed(), context: context)
        timer?.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let received = lines.append(buffer.readableBytesView) else {
            perform(machine.failSession(POP3Error(.protocolViolation, message: "the server sent a line longer than \(POP3LineBuffer.maximumLineLength) bytes")), context: context)
            return
        }
        for (index, line) in received.enumerated() {
            let actions = machine.received(line)
            perform(actions, context: context)
            // Bytes after the +OK to STLS arrived in clear text before the handshake: whoever sent them could be
            // injecting replies (the STARTTLS injection attack, CVE-2021-38371 and kin). Nothing may follow.
            if actions.contains(.startTLS), !(lines.isEmpty && index == received.count - 1) {
                perform(machine.failSession(POP3Error(.protocolViolation, message: "the server sent data after its reply to STLS, before TLS")), context: context)
                return
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { perform(machine.tlsEstablished(), context: context) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        perform(machine.failSession(Self.pop3Error(for: error, command: machine.awaitedCommand)), context: context)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .command(let command, let reply):
            let id = nextID
            nextID += 1
            commands[id] = reply
            perform(machine.commandRequested(id: id, command), context: context)
        }
        promise?.succeed(())
    }

    func perform(_ actions: [POP3StateMachine.Action], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .send(let command):
                logger.trace("POP3 send", metadata: ["pop3.command": "\(command.name)"])
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: command.line)), promise: nil)
            case .startTLS:
                do {
                    guard let makeTLSHandler else { throw POP3Error(.invalidConfiguration, message: "no TLS configuration") }
                    try context.pipeline.syncOperations.addHandler(makeTLSHandler(), position: .first)
                } catch {
                    perform(machine.failSession(Self.pop3Error(for: error, command: "STLS")), context: context)
                }
            case .sessionReady:
                completeReady(.success(()))
            case .complete(let id, let result):
                commands.removeValue(forKey: id)?.completeWith(result.mapError { $0 as any Error })
            case .fail(let error):
                completeReady(.failure(error))
                for promise in commands.values { promise.fail(error) }
                commands.removeAll()
            case .close:
                context.close(promise: nil)
            }
        }
        armTimer(context: context)
    }

    /// One timer for whatever reply is awaited; reset by every action, cancelled once the session is closed.
    private func armTimer(context: ChannelHandlerContext) {
        timer?.cancel()
        guard machine.state != .closed, machine.state != .ready else { timer = nil; return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: replyTimeout) {
            let (handler, context) = loopBound.value
            let waitingFor = handler.machine.awaitedCommand.map { "the reply to \($0)" } ?? "the server's greeting"
            handler.perform(handler.machine.failSession(POP3Error(.timeout, message: "no answer within \(handler.replyTimeout.nanoseconds / 1_000_000_000) s waiting for \(waitingFor)")), context: context)
        }
    }

    private func completeReady(_ result: Result<Void, POP3Error>) {
        guard !readyCompleted else { return }
        readyCompleted = true
        readyPromise.completeWith(result.mapError { $0 as any Error })
    }

    /// A library error as an administrator should read it: what failed, never NIOSSL's internals.
    static func pop3Error(for error: any Error, command: String?) -> POP3Error {
        if let error = error as? POP3Error { return error }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return POP3Error(.tlsFailed, message: "TLS failed: the server's certificate was not trusted, had another name, or the handshake failed")
        }
        return POP3Error(.connectionFailed, message: "the connection failed\(command.map { " (waiting for the reply to \($0))" } ?? "")")
    }
}

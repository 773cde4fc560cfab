import Logging
import NIOCore

/// Decides what the listener accepts: which recipients, and what becomes of a received message. Each answer is a
/// future on the connection's event loop, so a database can be asked (Herald) and a test can answer at once.
public protocol SMTPServerReceiver: Sendable {
    func acceptsRecipient(_ address: String, on eventLoop: any EventLoop) -> EventLoopFuture<Bool>
    func deliver(_ envelope: SMTPServerEnvelope, on eventLoop: any EventLoop) -> EventLoopFuture<SMTPDeliveryOutcome>
}

/// Performs what `SMTPServerStateMachine` decides for one connection: greets, writes replies, asks the receiver,
/// closes. An `IdleStateHandler` in front of it turns a silent client into a 421 (`userInboundEventTriggered`).
public final class SMTPServerHandler: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private var machine: SMTPServerStateMachine
    private let receiver: any SMTPServerReceiver
    private let logger: Logger
    private let limit: SMTPConnectionLimit?
    private var holdsPlace = false

    public init(configuration: SMTPSessionConfiguration, receiver: any SMTPServerReceiver, limit: SMTPConnectionLimit? = nil, logger: Logger) {
        machine = SMTPServerStateMachine(configuration: configuration)
        self.receiver = receiver
        self.limit = limit
        self.logger = logger
    }

    public func channelActive(context: ChannelHandlerContext) {
        if let limit {
            holdsPlace = limit.acquire()
            guard holdsPlace else {
                logger.notice("inbound SMTP: too many connections, one refused", metadata: ["limit": "\(limit.maximum)"])
                perform(machine.refuseConnection(), context: context)
                return
            }
        }
        perform([machine.greeting], context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        if holdsPlace { limit?.release() }
        holdsPlace = false
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        perform(machine.receive(buffer.readableBytesView), context: context)
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            logger.info("inbound SMTP client idle too long, closing")
            perform(machine.timedOut(), context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("inbound SMTP connection failed", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func perform(_ actions: [SMTPServerStateMachine.Action], context: ChannelHandlerContext) {
        var wrote = false
        for action in actions {
            switch action {
            case .reply(let text):
                context.write(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
                wrote = true
            case .close:
                // After the replies are written: a close right away would discard them.
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
                    bound.value.close(promise: nil)
                }
                return
            case .checkRecipient(let address):
                let handler = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                receiver.acceptsRecipient(address, on: context.eventLoop).whenComplete { result in
                    let (self_, context) = handler.value
                    // A failed check is no answer: 451, and the sender tries again later.
                    self_.perform(self_.machine.recipientChecked(accepted: try? result.get()), context: context)
                }
            case .deliver(let envelope):
                let handler = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                receiver.deliver(envelope, on: context.eventLoop).whenComplete { result in
                    let (self_, context) = handler.value
                    let outcome = (try? result.get()) ?? .temporaryFailure("Temporary failure, try again later")
                    self_.perform(self_.machine.deliveryFinished(outcome), context: context)
                }
            }
        }
        if wrote { context.flush() }
    }
}

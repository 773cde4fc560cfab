import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing
@testable import SMTPServer

/// The NIO handler over an `EmbeddedChannel` (#18): what the client reads back, and what the receiver is asked.
@Suite("SMTP server handler")
struct SMTPServerHandlerTests {
    /// Accepts `bounces@b.test` only; records what it delivered and answers deliveries with `outcome`.
    final class Receiver: SMTPServerReceiver {
        let delivered = NIOLockedValueBox<[SMTPServerEnvelope]>([])
        let outcome: SMTPDeliveryOutcome
        init(outcome: SMTPDeliveryOutcome = .accepted) { self.outcome = outcome }

        func acceptsRecipient(_ address: String, on eventLoop: any EventLoop) -> EventLoopFuture<Bool> {
            eventLoop.makeSucceededFuture(address.lowercased() == "bounces@b.test")
        }

        func deliver(_ envelope: SMTPServerEnvelope, on eventLoop: any EventLoop) -> EventLoopFuture<SMTPDeliveryOutcome> {
            delivered.withLockedValue { $0.append(envelope) }
            return eventLoop.makeSucceededFuture(outcome)
        }
    }

    static func channel(_ receiver: Receiver, limit: SMTPConnectionLimit? = nil) throws -> EmbeddedChannel {
        let handler = SMTPServerHandler(configuration: SMTPSessionConfiguration(hostname: "mx.herald.test"), receiver: receiver,
                                        limit: limit, logger: Logger(label: "test"))
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 25)).wait()
        return channel
    }

    static func send(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(channel.allocator.buffer(string: text))
    }

    static func written(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { text += buffer.readString(length: buffer.readableBytes) ?? "" }
        return text
    }

    @Test("a pipelined session in one write: replies in order, the relay attempt refused, the bounce delivered")
    func pipelinedSession() throws {
        let receiver = Receiver()
        let channel = try Self.channel(receiver)
        #expect(try Self.written(channel) == "220 mx.herald.test ESMTP Herald\r\n")
        try Self.send(channel, "EHLO relay.test\r\nMAIL FROM:<>\r\nRCPT TO:<someone@gmail.com>\r\nRCPT TO:<Bounces@b.test>\r\nDATA\r\n")
        let replies = try Self.written(channel).split(separator: "\r\n").map { String($0.prefix(3)) }
        #expect(replies == ["250", "250", "250", "250", "250", "250", "550", "250", "354"])
        try Self.send(channel, "Subject: bounce\r\n\r\n..\r\n.\r\nQUIT\r\n")
        #expect(try Self.written(channel) == "250 2.0.0 Ok: message accepted\r\n221 2.0.0 Bye\r\n")
        #expect(receiver.delivered.withLockedValue { $0 } == [SMTPServerEnvelope(mailFrom: "", recipients: ["Bounces@b.test"],
                                                                                  message: Array("Subject: bounce\r\n\r\n.\r\n".utf8))])
        #expect(!channel.isActive)
    }

    @Test("a database error is 451 4.3.0; a bare LF closes the connection; an idle client is told 421")
    func failuresAndClosing() throws {
        let failing = try Self.channel(Receiver(outcome: .temporaryFailure("Temporary failure, try again later")))
        _ = try Self.written(failing)
        try Self.send(failing, "HELO r\r\nMAIL FROM:<>\r\nRCPT TO:<bounces@b.test>\r\nDATA\r\nx\r\n.\r\n")
        #expect(try Self.written(failing).hasSuffix("451 4.3.0 Temporary failure, try again later\r\n"))
        #expect(failing.isActive)
        try Self.send(failing, "NOOP\n")
        #expect(try Self.written(failing).hasPrefix("521 5.5.2"))
        #expect(!failing.isActive)

        let idle = try Self.channel(Receiver())
        _ = try Self.written(idle)
        idle.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(try Self.written(idle).hasPrefix("421 4.4.2"))
        #expect(!idle.isActive)
    }

    @Test("connections past the listener's limit are told 421 and closed; a closed connection frees its place")
    func connectionLimit() throws {
        let limit = SMTPConnectionLimit(maximum: 1)
        let first = try Self.channel(Receiver(), limit: limit)
        #expect(try Self.written(first).hasPrefix("220 "))
        let second = try Self.channel(Receiver(), limit: limit)
        #expect(try Self.written(second) == "421 4.7.0 mx.herald.test Too many connections, try again later\r\n")
        #expect(!second.isActive)
        #expect(limit.openConnections == 1)
        try Self.send(first, "QUIT\r\n")
        #expect(!first.isActive && limit.openConnections == 0)
        let third = try Self.channel(Receiver(), limit: limit)
        #expect(try Self.written(third).hasPrefix("220 "))
    }
}

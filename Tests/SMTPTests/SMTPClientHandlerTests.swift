import Logging
import NIOCore
import NIOEmbedded
import NIOTLS
import Testing

@testable import SMTP

/// The handler in its real pipeline on an `EmbeddedChannel`: scripted server replies in,
/// the exact bytes written out. No network.
@Suite("SMTP client handler")
struct SMTPClientHandlerTests {
    /// Stands in for NIOSSL after STARTTLS: reports a completed handshake as soon as it is added.
    final class FakeTLSHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        func handlerAdded(context: ChannelHandlerContext) {
            context.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: nil))
        }
    }

    struct Session {
        let channel: EmbeddedChannel
        let ready: EventLoopPromise<SMTPCapabilities>

        init(_ configuration: SMTPStateMachine.Configuration, tls: Bool = false) throws {
            channel = EmbeddedChannel()
            ready = channel.eventLoop.makePromise()
            try SMTPConnection.addHandlers(
                to: channel, tls: try SMTPTLS(configuration: .init(host: "mx", port: 25, tlsMode: .none)),
                machine: configuration, maximumLineLength: 512, logger: Logger(label: "test"), ready: ready)
            if tls {
                let handler = try channel.pipeline.syncOperations.handler(type: SMTPClientHandler.self)
                handler.makeTLSHandler = { FakeTLSHandler() }
            }
            channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 25), promise: nil)
        }

        /// Feeds server bytes and returns everything the client wrote in answer.
        func server(_ text: String) throws -> String {
            try channel.writeInbound(ByteBuffer(string: text))
            return try written()
        }

        func written() throws -> String {
            var out = ""
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out += String(buffer: buffer) }
            return out
        }

        func send(_ envelopes: [SMTPEnvelope]) -> [EventLoopFuture<SMTPDeliveryReceipt>] {
            let requests = envelopes.map { (envelope: $0, promise: channel.eventLoop.makePromise(of: SMTPDeliveryReceipt.self)) }
            channel.writeAndFlush(SMTPClientRequest.send(requests), promise: nil)
            return requests.map(\.promise.futureResult)
        }
    }

    static func result<T>(_ future: EventLoopFuture<T>) -> Result<T, any Error>? {
        var result: Result<T, any Error>?
        future.assumeIsolated().whenComplete { result = $0 }
        return result
    }

    @Test("a pipelined session writes exactly the expected bytes and completes the transaction")
    func pipelinedSession() throws {
        // given
        let session = try Session(.init(tlsMode: .none, clientHostname: "herald.test"))
        // when
        let ehlo = try session.server("220 mx ESMTP\r\n")
        let afterEHLO = try session.server("250-mx\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
        let futures = session.send([envelope(to: ["a@x.org", "b@x.org"], ".hidden\r\nline")])
        let commands = try session.written()
        let body = try session.server("250 ok\r\n250 ok\r\n550 5.1.1 no\r\n354 go\r\n")
        let afterDot = try session.server("250 queued as 42\r\n")
        // then
        #expect(ehlo == "EHLO herald.test\r\n")
        #expect(afterEHLO == "")
        #expect(Self.result(session.ready.futureResult).flatMap { try? $0.get() }?.pipelining == true)
        #expect(commands == "MAIL FROM:<sender@herald.test>\r\nRCPT TO:<a@x.org>\r\nRCPT TO:<b@x.org>\r\nDATA\r\n")
        #expect(body == "..hidden\r\nline\r\n.\r\n")
        #expect(afterDot == "")
        let receipt = try #require(try Self.result(futures[0])?.get())
        #expect(receipt.accepted == ["a@x.org"])
        #expect(receipt.rejected.map(\.recipient) == ["b@x.org"])
        #expect(receipt.reply.lines == ["queued as 42"])
    }

    @Test("a server that keeps a refused transaction open does not fail the next one: RSET comes first")
    func refusedDotDoesNotLeak() throws {
        // given: a pipelining server that answers the next MAIL with 503 unless the refused transaction was reset
        let session = try Session(.init(tlsMode: .none, clientHostname: "herald.test"))
        _ = try session.server("220 mx ESMTP\r\n")
        _ = try session.server("250-mx\r\n250 PIPELINING\r\n")
        let first = session.send([envelope(to: ["a@x.org"], "one")])
        _ = try session.server("250 ok\r\n250 ok\r\n354 go\r\n")
        _ = try session.server("554 5.7.1 content rejected\r\n")
        // when: the connection is reused
        let second = session.send([envelope(to: ["b@x.org"], "two")])
        let commands = try session.written()
        let body = try session.server("250 2.0.0 reset\r\n250 ok\r\n250 ok\r\n354 go\r\n")
        _ = try session.server("250 queued\r\n")
        // then
        #expect(Self.result(first[0])?.failureValue.map { ($0 as? SMTPError)?.code } == 554)
        #expect(commands == "RSET\r\nMAIL FROM:<sender@herald.test>\r\nRCPT TO:<b@x.org>\r\nDATA\r\n")
        #expect(body == "two\r\n.\r\n")
        #expect(try Self.result(second[0])?.get() != nil)
    }

    @Test("STARTTLS puts TLS first in the pipeline and EHLO is sent again")
    func startTLS() throws {
        // given
        let session = try Session(.init(tlsMode: .startTLS, clientHostname: "c.test"), tls: true)
        _ = try session.server("220 mx\r\n")
        // when
        let startTLS = try session.server("250-mx\r\n250 STARTTLS\r\n")
        let secondEHLO = try session.server("220 ready\r\n")
        _ = try session.server("250 mx\r\n")
        // then
        #expect(startTLS == "STARTTLS\r\n")
        #expect(secondEHLO == "EHLO c.test\r\n")
        #expect(throws: Never.self) { try session.channel.pipeline.syncOperations.handler(type: FakeTLSHandler.self) }
        #expect(Self.result(session.ready.futureResult).map { (try? $0.get()) != nil } == true)
    }

    @Test("bytes sent in cleartext after STARTTLS's 220 are refused, not read as protected")
    func startTLSInjection() throws {
        // given
        let session = try Session(.init(tlsMode: .startTLS), tls: true)
        _ = try session.server("220 mx\r\n")
        _ = try session.server("250-mx\r\n250 STARTTLS\r\n")
        // when
        _ = try? session.server("220 ready\r\n250-mx\r\n250 AUTH PLAIN")
        // then
        let error = try #require(Self.result(session.ready.futureResult)?.failureValue as? SMTPError)
        #expect(error.kind == .protocolViolation)
        #expect(error.command == "STARTTLS")
        #expect(!session.channel.isActive)
    }

    @Test("no greeting within the timeout fails the session and closes the channel")
    func greetingTimeout() throws {
        // given
        let session = try Session(.init(tlsMode: .none, timeouts: .uniform(.seconds(5))))
        // when
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        let stillWaiting = Self.result(session.ready.futureResult) == nil
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        // then
        #expect(stillWaiting)
        let error = try #require(Self.result(session.ready.futureResult)?.failureValue as? SMTPError)
        #expect(error.kind == .timeout)
        #expect(error.command == "connection greeting")
        #expect(!session.channel.isActive)
    }

    @Test("a slow final-dot reply is waited for, then times out as temporary")
    func finalDotTimeout() throws {
        // given
        var timeouts = SMTPTimeouts.uniform(.seconds(1))
        timeouts.finalDot = .seconds(60)
        let session = try Session(.init(tlsMode: .none, timeouts: timeouts))
        _ = try session.server("220 mx\r\n250-mx\r\n250 PIPELINING\r\n")
        let future = session.send([envelope()])[0]
        _ = try session.server("250 ok\r\n250 ok\r\n354 go\r\n")
        // when
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        let waited = Self.result(future) == nil
        session.channel.embeddedEventLoop.advanceTime(by: .seconds(31))
        // then
        #expect(waited)
        let error = try #require(Self.result(future)?.failureValue as? SMTPError)
        #expect(error.kind == .timeout)
        #expect(error.command == "end of data")
        #expect(error.isTemporary)
    }

    @Test("a line that is not SMTP ends the session with a protocol violation")
    func garbageReply() throws {
        // given
        let session = try Session(.init(tlsMode: .none))
        // when
        _ = try? session.server("HTTP/1.1 400 Bad Request\r\n")
        // then
        let error = try #require(Self.result(session.ready.futureResult)?.failureValue as? SMTPError)
        #expect(error.kind == .protocolViolation)
        #expect(error.isTemporary)
        #expect(!session.channel.isActive)
    }

    @Test("a connection lost mid-transaction fails it, and the next, temporarily")
    func connectionLost() throws {
        // given
        let session = try Session(.init(tlsMode: .none))
        _ = try session.server("220 mx\r\n250 mx\r\n")
        let futures = session.send([envelope(), envelope()])
        _ = try session.server("250 ok\r\n")
        // when
        session.channel.pipeline.fireChannelInactive()
        // then
        for future in futures {
            let error = try #require(Self.result(future)?.failureValue as? SMTPError)
            #expect(error.kind == .connectionFailed)
            #expect(error.isTemporary)
        }
    }
}

import Logging
import NIOCore
import NIOEmbedded
import NIOTLS
import Testing

@testable import POP3

/// The handler in its real pipeline on an `EmbeddedChannel`: scripted server lines in, the exact bytes written out.
@Suite("POP3 client handler")
struct POP3ClientHandlerTests {
    /// Stands in for NIOSSL after STLS: reports a completed handshake as soon as it is added.
    final class FakeTLSHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        func handlerAdded(context: ChannelHandlerContext) {
            context.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(negotiatedProtocol: nil))
        }
    }

    struct Session {
        let channel = EmbeddedChannel()
        let ready: EventLoopPromise<Void>

        init(_ mode: POP3TLSMode, password: String = "s3cret", cleartext: Bool = true, maximumMessageSize: Int = 1 << 20) throws {
            ready = channel.eventLoop.makePromise()
            let machine = POP3StateMachine.Configuration(
                tlsMode: mode == .implicitTLS ? .none : mode, credentials: .init(username: "bounces", password: password),
                allowsCleartextAuthentication: cleartext, maximumMessageSize: maximumMessageSize)
            let config = POP3Configuration(host: "pop", port: 110, tlsMode: .none, credentials: .init(username: "u", password: "p"))
            try POP3Connection.addHandlers(to: channel, tls: try POP3TLS(configuration: config), machine: machine,
                                           replyTimeout: .seconds(30), logger: Logger(label: "test"), ready: ready)
            if mode == .startTLS {
                try channel.pipeline.syncOperations.handler(type: POP3ClientHandler.self).makeTLSHandler = { FakeTLSHandler() }
            }
            channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 110), promise: nil)
        }

        func server(_ text: String) throws -> String {
            try channel.writeInbound(ByteBuffer(string: text))
            return try written()
        }

        func written() throws -> String {
            var out = ""
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) { out += String(buffer: buffer) }
            return out
        }

        func run(_ command: POP3Command) -> EventLoopFuture<POP3Reply> {
            let promise = channel.eventLoop.makePromise(of: POP3Reply.self)
            channel.writeAndFlush(POP3ClientRequest.command(command, promise), promise: nil)
            return promise.futureResult
        }

        var isReady: Bool { outcome(ready.futureResult).map { (try? $0.get()) != nil } ?? false }
        var readyError: POP3Error? { outcome(ready.futureResult).flatMap { if case .failure(let e) = $0 { e as? POP3Error } else { nil } } }
    }

    static func signedIn() throws -> Session {
        let session = try Session(.none)
        _ = try session.server("+OK Dovecot ready.\r\n")
        _ = try session.server("+OK\r\n")
        _ = try session.server("+OK Logged in.\r\n")
        return session
    }

    @Test("sign-in with STLS: STLS, then USER and PASS only after the handshake")
    func stlsSignIn() throws {
        let session = try Session(.startTLS)
        #expect(try session.server("+OK Dovecot ready.\r\n") == "STLS\r\n")
        #expect(try session.server("+OK Begin TLS negotiation now.\r\n") == "USER bounces\r\n")
        #expect(try session.server("+OK\r\n") == "PASS s3cret\r\n")
        #expect(!session.isReady)
        #expect(try session.server("+OK Logged in.\r\n") == "")
        #expect(session.isReady)
    }

    @Test("a server without STLS is refused before any password is sent")
    func stlsRefused() throws {
        let session = try Session(.startTLS)
        _ = try session.server("+OK ready\r\n")
        #expect(try session.server("-ERR Unknown command\r\n") == "")
        #expect(session.readyError?.kind == .tlsFailed)
        #expect(!session.channel.isActive)
    }

    @Test("text injected after the +OK to STLS, before TLS, ends the session")
    func stlsInjection() throws {
        let session = try Session(.startTLS)
        _ = try session.server("+OK ready\r\n")
        let written = try session.server("+OK Begin TLS\r\n+OK injected\r\n")
        #expect(!written.contains("PASS"))
        #expect(session.readyError?.kind == .protocolViolation)
    }

    @Test("no TLS and no permission for clear text: the password is never sent")
    func cleartextRefused() throws {
        let session = try Session(.none, cleartext: false)
        #expect(try session.server("+OK ready\r\n") == "")
        #expect(session.readyError?.kind == .invalidConfiguration)
    }

    @Test("a wrong password fails the sign-in with the server's words")
    func wrongPassword() throws {
        let session = try Session(.none)
        _ = try session.server("+OK ready\r\n")
        _ = try session.server("+OK\r\n")
        _ = try session.server("-ERR [AUTH] Authentication failed.\r\n")
        #expect(session.readyError?.kind == .authenticationFailed)
        #expect(session.readyError?.message.contains("Authentication failed") == true)
    }

    @Test("STAT, UIDL, RETR with dot-unstuffing, DELE and QUIT, one at a time")
    func transaction() throws {
        let session = try Self.signedIn()
        let stat = session.run(.stat)
        let uidl = session.run(.uidl)
        let retr = session.run(.retr(1))
        // Only the first command is on the wire until it has its reply.
        #expect(try session.written() == "STAT\r\n")
        #expect(try session.server("+OK 2 3120\r\n") == "UIDL\r\n")
        #expect(try session.server("+OK\r\n1 000000014ec4a3a9\r\n2 000000024ec4a3a9\r\n.\r\n") == "RETR 1\r\n")
        #expect(try session.server("+OK 1501 octets\r\nSubject: x\r\n\r\n..hidden\r\n.\r\n") == "")
        #expect(try result(stat.map(\.status)) == "2 3120")
        #expect(try result(uidl).lines.map { String(decoding: $0, as: UTF8.self) } == ["1 000000014ec4a3a9", "2 000000024ec4a3a9"])
        #expect(try result(retr).lines.map { String(decoding: $0, as: UTF8.self) } == ["Subject: x", "", ".hidden"])
        let dele = session.run(.dele(1))
        #expect(try session.written() == "DELE 1\r\n")
        _ = try session.server("+OK Marked to be deleted.\r\n")
        #expect(try result(dele.map(\.status)) == "Marked to be deleted.")
        let quit = session.run(.quit)
        #expect(try session.written() == "QUIT\r\n")
        _ = try session.server("+OK Logging out, messages deleted.\r\n")
        #expect((try? result(quit)) != nil)
        #expect(!session.channel.isActive)
    }

    @Test("-ERR fails that command only; the session goes on")
    func commandError() throws {
        let session = try Self.signedIn()
        let retr = session.run(.retr(9))
        let stat = session.run(.stat)
        _ = try session.written()
        #expect(try session.server("-ERR There's no message 9.\r\n") == "STAT\r\n")
        #expect(throws: POP3Error.self) { try result(retr) }
        _ = try session.server("+OK 0 0\r\n")
        #expect(try result(stat).status == "0 0")
    }

    @Test("a message over the size limit ends the session instead of filling memory")
    func oversizedMessage() throws {
        let session = try Session(.none, maximumMessageSize: 100)
        _ = try session.server("+OK\r\n")
        _ = try session.server("+OK\r\n")
        _ = try session.server("+OK\r\n")
        let retr = session.run(.retr(1))
        _ = try session.written()
        _ = try session.server("+OK\r\n" + String(repeating: "0123456789012345678901234567890123456789\r\n", count: 4))
        #expect(throws: POP3Error.self) { try result(retr) }
        #expect(!session.channel.isActive)
    }

    @Test("a line longer than the bound, or a reply that is neither +OK nor -ERR, is a protocol violation")
    func protocolViolations() throws {
        let long = try Session(.none)
        _ = try long.server("+OK " + String(repeating: "x", count: POP3LineBuffer.maximumLineLength + 10))
        #expect(long.readyError?.kind == .protocolViolation)
        let garbage = try Session(.none)
        _ = try garbage.server("220 this is SMTP\r\n")
        #expect(garbage.readyError?.kind == .protocolViolation)
    }

    @Test("the connection closing mid-command fails it and everything queued")
    func closedMidCommand() throws {
        let session = try Self.signedIn()
        let first = session.run(.retr(1))
        let second = session.run(.dele(1))
        _ = try session.written()
        _ = try session.server("+OK\r\npartial line\r\n")
        session.channel.pipeline.fireChannelInactive()
        #expect(throws: POP3Error.self) { try result(first) }
        #expect(throws: POP3Error.self) { try result(second) }
    }

    @Test("a user name or password with a line break is refused before connecting")
    func credentialInjection() {
        #expect(POP3StateMachine.problem(with: .init(username: "a", password: "x\r\nDELE 1")) != nil)
        #expect(POP3StateMachine.problem(with: .init(username: "a\nb", password: "x")) != nil)
        #expect(POP3StateMachine.problem(with: .init(username: "", password: "x")) != nil)
        #expect(POP3StateMachine.problem(with: .init(username: "bounces@example.com", password: "pässwörd 1")) == nil)
    }
}

func result<T>(_ future: EventLoopFuture<T>) throws -> T {
    var outcome: Result<T, any Error>?
    future.assumeIsolated().whenComplete { outcome = $0 }
    guard let outcome else { throw POP3Error(.timeout, message: "not completed") }
    return try outcome.get()
}

func outcome<T>(_ future: EventLoopFuture<T>) -> Result<T, any Error>? {
    var outcome: Result<T, any Error>?
    future.assumeIsolated().whenComplete { outcome = $0 }
    return outcome
}

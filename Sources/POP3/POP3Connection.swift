import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One signed-in POP3 session (greeting, STLS or implicit TLS, USER and PASS done).
///
/// ```swift
/// let mailbox = try await POP3Connection.connect(to: configuration, group: group, logger: logger)
/// for (number, _) in try await mailbox.uniqueIDs() {
///     let message = try await mailbox.retrieve(number)
///     if handled(message) { try await mailbox.delete(number) }
/// }
/// try await mailbox.quit()   // deletions take effect only now (RFC 1939 6)
/// ```
///
/// The pipeline: [NIOSSL] → `POP3ClientHandler`, which performs the actions of `POP3StateMachine`.
public final class POP3Connection: Sendable {
    let channel: any Channel

    init(channel: any Channel) { self.channel = channel }

    public static func connect(to configuration: POP3Configuration, group: any EventLoopGroup, logger: Logger) async throws(POP3Error) -> POP3Connection {
        if let problem = POP3StateMachine.problem(with: configuration.credentials) {
            throw POP3Error(.invalidConfiguration, message: problem)
        }
        let tls = try POP3TLS(configuration: configuration)
        let machine = POP3StateMachine.Configuration(
            tlsMode: configuration.tlsMode, credentials: configuration.credentials,
            allowsCleartextAuthentication: configuration.allowsCleartextAuthentication, maximumMessageSize: configuration.maximumMessageSize)
        var logger = logger
        logger[metadataKey: "pop3.server"] = "\(configuration.host):\(configuration.port)"
        let sessionLogger = logger
        let eventLoop = group.next()
        // Made before the channel exists: a server that refuses quickly may close it before connect returns.
        let ready = eventLoop.makePromise(of: Void.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try addHandlers(to: channel, tls: tls, machine: machine, replyTimeout: configuration.replyTimeout, logger: sessionLogger, ready: ready)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            ready.fail(error)
            throw POP3Error(.connectionFailed, message: "cannot connect to \(configuration.host):\(configuration.port)")
        }
        do {
            try await ready.futureResult.get()
        } catch {
            try? await channel.close()
            throw POP3ClientHandler.pop3Error(for: error, command: nil)
        }
        return POP3Connection(channel: channel)
    }

    static func addHandlers(to channel: any Channel, tls: POP3TLS, machine: POP3StateMachine.Configuration, replyTimeout: TimeAmount,
                            logger: Logger, ready: EventLoopPromise<Void>) throws {
        let pipeline = channel.pipeline.syncOperations
        if machine.tlsMode == .implicitTLS { try pipeline.addHandler(tls.makeHandler()) }
        let startTLS: POP3ClientHandler.TLSHandlerFactory? = machine.tlsMode == .startTLS ? { try tls.makeHandler() } : nil
        try pipeline.addHandler(POP3ClientHandler(configuration: machine, ready: ready, replyTimeout: replyTimeout, logger: logger, makeTLSHandler: startTLS))
    }

    func run(_ command: POP3Command) async throws(POP3Error) -> POP3Reply {
        let promise = channel.eventLoop.makePromise(of: POP3Reply.self)
        channel.writeAndFlush(POP3ClientRequest.command(command, promise)).whenFailure { _ in
            promise.fail(POP3Error(.connectionFailed, message: "\(command.name): the POP3 session is closed"))
        }
        do {
            return try await promise.futureResult.get()
        } catch {
            throw POP3ClientHandler.pop3Error(for: error, command: command.name)
        }
    }

    /// STAT: how many messages the mailbox holds and their total size in octets.
    public func status() async throws(POP3Error) -> (count: Int, size: Int) {
        let reply = try await run(.stat)
        let fields = reply.status.split(separator: " ")
        guard fields.count >= 2, let count = Int(fields[0]), let size = Int(fields[1]), count >= 0, size >= 0 else {
            throw POP3Error(.protocolViolation, message: "STAT: the server's answer is not 'count size'")
        }
        return (count, size)
    }

    /// UIDL: every message's number and unique id (RFC 1939 7), in the server's order.
    public func uniqueIDs() async throws(POP3Error) -> [(number: Int, uid: String)] {
        let reply = try await run(.uidl)
        return try reply.lines.map { line throws(POP3Error) in
            let fields = String(decoding: line, as: UTF8.self).split(separator: " ", maxSplits: 1)
            // A unique id is 1-70 printable characters 0x21-0x7E.
            guard fields.count == 2, let number = Int(fields[0]), number > 0, (1...70).contains(fields[1].utf8.count),
                  fields[1].utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw POP3Error(.protocolViolation, message: "UIDL: a line is not 'number unique-id'")
            }
            return (number, String(fields[1]))
        }
    }

    /// RETR: the message, its lines joined with CRLF, dot-unstuffed.
    public func retrieve(_ number: Int) async throws(POP3Error) -> [UInt8] {
        let reply = try await run(.retr(number))
        var message: [UInt8] = []
        message.reserveCapacity(reply.lines.reduce(0) { $0 + $1.count + 2 })
        for line in reply.lines {
            message += line
            message += [0x0D, 0x0A]
        }
        return message
    }

    /// DELE: marks the message for deletion at QUIT.
    public func delete(_ number: Int) async throws(POP3Error) { _ = try await run(.dele(number)) }

    /// QUIT: ends the session; the server now removes the messages marked for deletion.
    public func quit() async throws(POP3Error) {
        _ = try await run(.quit)
        try? await channel.closeFuture.get()
    }

    /// Closes without QUIT: nothing marked is deleted.
    public func close() async { try? await channel.close() }
}

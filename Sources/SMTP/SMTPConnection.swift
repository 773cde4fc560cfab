import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP session to a server, ready for mail: greeting, EHLO, STARTTLS and AUTH are done.
/// Safe to share between tasks; concurrent `send` calls are queued in call order.
///
/// ```swift
/// let connection = try await SMTPConnection.connect(to: configuration, group: group, logger: logger)
/// for result in await connection.send(envelopes) {
///     switch result {
///     case .success(let receipt): markSent(receipt.accepted, receipt.rejected)
///     case .failure(let error): error.isTemporary ? retryLater(error) : markFailed(error)
///     }
/// }
/// await connection.close()
/// ```
///
/// The pipeline: [NIOSSL] → `SMTPLineDecoder` → `SMTPReplyDecoder` → `SMTPCommandEncoder` →
/// `SMTPClientHandler`, which performs the actions of `SMTPStateMachine`.
public final class SMTPConnection: Sendable {
    /// The extensions the server offered in its last EHLO (after STARTTLS when used).
    public let capabilities: SMTPCapabilities
    let channel: any Channel

    init(channel: any Channel, capabilities: SMTPCapabilities) {
        self.channel = channel
        self.capabilities = capabilities
    }

    /// Opens a connection and runs the session up to the point where mail can be sent.
    public static func connect(
        to configuration: SMTPServerConfiguration,
        group: any EventLoopGroup,
        logger: Logger
    ) async throws(SMTPError) -> SMTPConnection {
        let tls = try SMTPTLS(configuration: configuration)
        let machineConfiguration = SMTPStateMachine.Configuration(
            tlsMode: configuration.tlsMode,
            credentials: configuration.credentials,
            allowsCleartextAuthentication: configuration.allowsCleartextAuthentication,
            clientHostname: configuration.clientHostname,
            timeouts: configuration.timeouts)
        var logger = logger
        logger[metadataKey: "smtp.server"] = "\(configuration.host):\(configuration.port)"
        let sessionLogger = logger
        // The session's promise is made before the channel exists: a server that refuses us
        // quickly may close the channel (and empty its pipeline) before connect returns.
        let eventLoop = group.next()
        let ready = eventLoop.makePromise(of: SMTPCapabilities.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.timeouts.connect)
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.addHandlers(
                        to: channel, tls: tls, machine: machineConfiguration,
                        maximumLineLength: configuration.maximumReplyLineLength, logger: sessionLogger,
                        ready: ready)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            ready.fail(error)  // never completed otherwise: the handler was not added
            throw SMTPError(.connectionFailed,
                message: "cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }
        do {
            return SMTPConnection(channel: channel, capabilities: try await ready.futureResult.get())
        } catch {
            try? await channel.close()
            throw tls.explain(SMTPClientHandler.smtpError(for: error, command: nil))
        }
    }

    static func addHandlers(
        to channel: any Channel, tls: SMTPTLS, machine: SMTPStateMachine.Configuration,
        maximumLineLength: Int, logger: Logger, ready: EventLoopPromise<SMTPCapabilities>
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        if machine.tlsMode == .implicitTLS { try pipeline.addHandler(tls.makeHandler()) }
        let boundary = SMTPStartTLSBoundary()
        try pipeline.addHandler(ByteToMessageHandler(
            SMTPLineDecoder(maximumLineLength: maximumLineLength, startTLSBoundary: boundary)))
        try pipeline.addHandler(SMTPReplyDecoder())
        try pipeline.addHandler(MessageToByteHandler(SMTPCommandEncoder()))
        let startTLS: SMTPClientHandler.TLSHandlerFactory? = machine.tlsMode == .none ? nil : { try tls.makeHandler() }
        try pipeline.addHandler(SMTPClientHandler(
            configuration: machine, ready: ready, logger: logger, startTLSBoundary: boundary,
            makeTLSHandler: startTLS))
    }

    /// Whether the session can still take mail.
    public var isOpen: Bool { channel.isActive }

    /// Sends the envelopes in order on this connection, pipelining when offered; one result per
    /// envelope, in the same order. A transaction that failed before its data is followed by
    /// RSET; a connection fault fails the rest with a temporary error.
    public func send(_ envelopes: [SMTPEnvelope]) async -> [Result<SMTPDeliveryReceipt, SMTPError>] {
        guard !envelopes.isEmpty else { return [] }
        let requests = envelopes.map { (envelope: $0, promise: channel.eventLoop.makePromise(of: SMTPDeliveryReceipt.self)) }
        channel.writeAndFlush(SMTPClientRequest.send(requests)).whenFailure { error in
            // The handler never saw the request (the channel is closed): nothing else completes these.
            let failure = SMTPError(.connectionFailed, message: "connection is closed: \(error)")
            for request in requests { request.promise.fail(failure) }
        }
        var results: [Result<SMTPDeliveryReceipt, SMTPError>] = []
        results.reserveCapacity(requests.count)
        for request in requests {
            do {
                results.append(.success(try await request.promise.futureResult.get()))
            } catch {
                results.append(.failure(SMTPClientHandler.smtpError(for: error, command: nil)))
            }
        }
        return results
    }

    /// Sends one envelope; see `send(_:)`.
    public func send(_ envelope: SMTPEnvelope) async -> Result<SMTPDeliveryReceipt, SMTPError> {
        await send([envelope])[0]
    }

    /// Lets the transactions already requested finish, sends QUIT and closes the connection.
    public func close() async {
        let closed = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(SMTPClientRequest.close(closed)).whenFailure { _ in closed.succeed(()) }
        try? await closed.futureResult.get()
    }
}

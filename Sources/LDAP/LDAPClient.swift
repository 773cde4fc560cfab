// Herald's own LDAP client (RFC 4511 with StartTLS, RFC 4513 simple bind, RFC 2696 paging, RFC 4515 filters).
// Why our own: no maintained Swift LDAP client on SwiftNIO exists among the packages available to this project, and
// the alternatives (linking libldap, running `ldapsearch`) add a build-time system package or a process per search.
// The protocol subset a directory sync needs is small; BER comes from apple/swift-asn1. Shaped like Sources/SMTP:
// a pure state machine (`LDAPStateMachine`), a thin handler performing its actions (`LDAPClientHandler`).
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// One connection to a directory server, TLS established (StartTLS for `ldap://`, implicit for `ldaps://`).
/// One operation at a time; a second one while a search is being read fails with `.busy`.
///
/// ```swift
/// let client = try await LDAPClient.connect(LDAPConfiguration(url: "ldaps://dc1.example.com", caCertificatePEM: pem),
///                                           eventLoopGroup: group, logger: logger)
/// try await client.bind(dn: "CN=herald,OU=Service,DC=example,DC=com", password: secret)
/// let request = LDAPSearchRequest(baseDN: "DC=example,DC=com", filter: "(objectClass=user)",
///                                 attributes: ["objectGUID", "mail", "displayName"], pageSize: 1000)
/// for try await entry in try client.search(request) { print(entry.objectGUID() ?? "", entry.string("mail") ?? "") }
/// await client.close()
/// ```
///
/// The pipeline: [NIOSSL] → `LDAPMessageDecoder` → `LDAPMessageEncoder` → `LDAPClientHandler`.
public final class LDAPClient: Sendable {
    let channel: any Channel

    init(channel: any Channel) {
        self.channel = channel
    }

    /// A client dropped without `close()` still releases its socket (without unbinding).
    deinit {
        channel.close(promise: nil)
    }

    public static func connect(
        _ configuration: LDAPConfiguration, eventLoopGroup: any EventLoopGroup, logger: Logger
    ) async throws(LDAPError) -> LDAPClient {
        let tls = configuration.security == .unencryptedForTestsOnly ? nil : try LDAPTLS(configuration: configuration)
        var logger = logger
        logger[metadataKey: "ldap.server"] = "\(configuration.host):\(configuration.port)"
        let sessionLogger = logger
        // Made before the channel exists: a server that closes at once may empty the pipeline before connect returns.
        let eventLoop = eventLoopGroup.next()
        let connected = eventLoop.makePromise(of: Void.self)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try addHandlers(to: channel, configuration: configuration, tls: tls, connected: connected, logger: sessionLogger)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            connected.fail(error)  // never completed otherwise: the handler was not added
            throw connectError(error, configuration: configuration)
        }
        do {
            try await connected.futureResult.get()
        } catch {
            try? await channel.close()
            throw error as? LDAPError ?? LDAPError(.connectionFailed, message: "\(error)")
        }
        return LDAPClient(channel: channel)
    }

    static func addHandlers(
        to channel: any Channel, configuration: LDAPConfiguration, tls: LDAPTLS?, connected: EventLoopPromise<Void>,
        logger: Logger
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        if configuration.security == .ldaps, let tls { try pipeline.addHandler(try tls.makeHandler()) }
        let boundary = LDAPStartTLSBoundary()
        try pipeline.addHandler(ByteToMessageHandler(
            LDAPMessageDecoder(maximumMessageLength: configuration.maximumMessageLength, startTLSBoundary: boundary)))
        try pipeline.addHandler(MessageToByteHandler(LDAPMessageEncoder()))
        let startTLS: LDAPClientHandler.TLSHandlerFactory? = tls.map { tls in { () throws -> any ChannelHandler in try tls.makeHandler() } }
        try pipeline.addHandler(LDAPClientHandler(
            security: configuration.security, timeouts: (configuration.connectTimeout, configuration.responseTimeout),
            connected: connected, logger: logger, startTLSBoundary: boundary, makeTLSHandler: startTLS,
            classifyTLSError: { error in tls?.classify(error) }))
    }

    /// What the resolver and `connect` reported, classified.
    static func connectError(_ error: any Error, configuration: LDAPConfiguration) -> LDAPError {
        let place = "\(configuration.host):\(configuration.port)"
        if let failure = error as? NIOConnectionError {
            if failure.connectionErrors.isEmpty { return LDAPError(.dnsFailure, message: "cannot resolve \(configuration.host)") }
            if failure.connectionErrors.contains(where: { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }) {
                return LDAPError(.connectionRefused, message: "\(place) refused the connection")
            }
            return LDAPError(.connectionFailed, message: "cannot connect to \(place): \(failure.connectionErrors.map { "\($0.error)" })")
        }
        if case .connectTimeout = error as? ChannelError { return LDAPError(.connectTimeout, message: "connecting to \(place)") }
        if (error as? IOError)?.errnoCode == ECONNREFUSED { return LDAPError(.connectionRefused, message: "\(place) refused the connection") }
        return LDAPError(.connectionFailed, message: "cannot connect to \(place): \(error)")
    }

    /// Simple bind (RFC 4513 5.1.3). An empty password is refused here: servers treat it as an unauthenticated bind
    /// that "succeeds" (RFC 4513 5.1.2), which would make any DN look valid.
    public func bind(dn: String, password: String) async throws(LDAPError) {
        guard !password.isEmpty else { throw LDAPError(.invalidCredentials, message: "empty password (unauthenticated bind refused)") }
        let done = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(LDAPClientRequest.bind(dn: dn, password: password, done)).whenFailure { error in
            done.fail(LDAPError(.closed, message: "the connection is closed: \(error)"))
        }
        do {
            try await done.futureResult.get()
        } catch {
            throw error as? LDAPError ?? LDAPError(.connectionFailed, message: "\(error)")
        }
    }

    /// Starts a search; its entries arrive through the returned sequence (see `LDAPSearchResults`).
    public func search(_ request: LDAPSearchRequest) throws(LDAPError) -> LDAPSearchResults {
        let parameters = try request.parameters()
        let token = LDAPSearchToken()
        let (source, results) = LDAPSearchResults.make(channel: channel, token: token)
        channel.writeAndFlush(LDAPClientRequest.search(parameters, pageSize: request.pageSize, source, token)).whenFailure { error in
            source.finish(LDAPError(.closed, message: "the connection is closed: \(error)"))
        }
        return results
    }

    /// Unbinds and closes; a running operation fails with `.closed`.
    public func close() async {
        let closed = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(LDAPClientRequest.close(closed)).whenFailure { _ in closed.succeed(()) }
        try? await closed.futureResult.get()
    }
}

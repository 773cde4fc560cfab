import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SMTPServer

/// The optional inbound SMTP listener for bounces (`HERALD_INBOUND_SMTP_PORT`), for installations that point their
/// bounce domain's MX at Herald instead of (or besides) a bounce mailbox; `herald serve` starts and stops it. What it
/// accepts and records is `InboundBounceReceiver`'s; the SMTP dialogue and its limits are `SMTPServer`'s. No STARTTLS:
/// bounces are sent in the clear by most servers anyway, and an operator wanting TLS puts an MTA in front.
final class InboundBounceListener: Sendable {
    let settings: InboundSMTPSettings
    let hostname: String
    let recorder: BounceRecorder
    let group: any EventLoopGroup
    let logger: Logger
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)

    init(settings: InboundSMTPSettings, hostname: String, recorder: BounceRecorder, group: any EventLoopGroup, logger: Logger) {
        self.settings = settings
        self.hostname = hostname
        self.recorder = recorder
        self.group = group
        self.logger = logger
    }

    /// The port bound (the configured one, or the one the system chose for port 0); nil when not listening.
    var port: Int? { channel.withLockedValue { $0?.localAddress?.port } }

    /// Binds the port; fails (and `herald serve` with it) when the port cannot be had.
    func start(database: any Database) async throws {
        let receiver = InboundBounceReceiver(recorder: recorder, database: database, logger: logger)
        let configuration = SMTPSessionConfiguration(hostname: hostname)
        let limit = SMTPConnectionLimit(maximum: settings.maximumConnections)
        let idle = TimeAmount.seconds(Int64(settings.idleTimeout))
        let logger = logger
        let bound = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                    try channel.pipeline.syncOperations.addHandler(SMTPServerHandler(configuration: configuration, receiver: receiver,
                                                                                          limit: limit, logger: logger))
                }
            }
            .bind(host: settings.host, port: settings.port).get()
        channel.withLockedValue { $0 = bound }
        logger.notice("inbound SMTP listener for bounces on \(settings.host):\(bound.localAddress?.port ?? settings.port)")
    }

    func stop() async {
        let bound = channel.withLockedValue { channel in defer { channel = nil }; return channel }
        try? await bound?.close()
    }
}

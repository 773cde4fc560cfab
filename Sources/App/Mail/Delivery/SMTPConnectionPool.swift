import Foundation
import Logging
import NIOCore
import SMTP

/// Open SMTP connections kept for reuse, at most `maximumPerServer` per server.
///
/// Reusing connections is most of the speed: a new connection costs a TCP handshake, a greeting, EHLO and
/// often TLS and AUTH, several round trips before the first message.
actor SMTPConnectionPool {
    /// Connections are shared only between identical settings (same server, TLS and account).
    struct Key: Hashable, Sendable {
        let host: String
        let port: Int
        let tlsMode: String
        let minimumTLSVersion: String
        let verifyCertificates: Bool
        let caFilePath: String?
        let caCertificatesPEM: String?
        let username: String?
        let password: String?

        init(_ configuration: SMTPServerConfiguration) {
            host = configuration.host.lowercased()
            port = configuration.port
            tlsMode = configuration.tlsMode.rawValue
            minimumTLSVersion = configuration.minimumTLSVersion.rawValue
            verifyCertificates = configuration.verifyCertificates
            caFilePath = configuration.caFilePath
            caCertificatesPEM = configuration.caCertificatesPEM
            username = configuration.credentials?.username
            password = configuration.credentials?.password
        }
    }

    private let group: any EventLoopGroup
    private let logger: Logger
    private let maximumPerServer: Int
    private var idle: [Key: [(connection: SMTPConnection, since: Date)]] = [:]
    private var openCount: [Key: Int] = [:]
    private var waiters: [Key: [CheckedContinuation<Void, Never>]] = [:]

    init(group: any EventLoopGroup, maximumPerServer: Int, logger: Logger) {
        self.group = group
        self.maximumPerServer = maximumPerServer
        self.logger = logger
    }

    func acquire(_ configuration: SMTPServerConfiguration) async throws(SMTPError) -> SMTPConnection {
        let key = Key(configuration)
        while true {
            while let (connection, _) = idle[key]?.popLast() {
                if connection.isOpen { return connection }
                openCount[key, default: 1] -= 1
            }
            if openCount[key, default: 0] < maximumPerServer {
                openCount[key, default: 0] += 1
                do {
                    return try await SMTPConnection.connect(to: configuration, group: group, logger: logger)
                } catch {
                    openCount[key, default: 1] -= 1
                    wakeOne(key)
                    throw error
                }
            }
            await withCheckedContinuation { waiters[key, default: []].append($0) }
        }
    }

    /// Returns a connection for reuse, or closes it when it is no longer usable.
    func release(_ connection: SMTPConnection, configuration: SMTPServerConfiguration) async {
        let key = Key(configuration)
        if connection.isOpen {
            idle[key, default: []].append((connection, Date()))
        } else {
            openCount[key, default: 1] -= 1
        }
        wakeOne(key)
    }

    func closeAll() async {
        let all = idle.values.flatMap { $0 }
        idle = [:]
        openCount = [:]
        for entry in all { await entry.connection.close() }
    }

    private func wakeOne(_ key: Key) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue
            next.resume()
        }
    }
}

import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import FluentPostgresDriver
import PostgresNIO

/// Hears the changes `CreateInstallationChangeNotifications` announces on PostgreSQL and makes `ActiveLeaseCache`
/// forget what they name, on a connection of its own (a pooled connection would be handed to others meanwhile).
///
/// The cache serves only while this is listening: when the connection fails it is emptied and bypassed, and the
/// listener connects again after a pause. `herald serve` starts it; tests start it where they test the cache.
final class InstallationChangeListener: Sendable {
    /// The channel `CreateInstallationChangeNotifications`'s triggers notify for tables in `schema`.
    static func channel(schema: String) -> String {
        "herald_" + Insecure.MD5.hash(data: Data(schema.utf8)).map { String(format: "%02x", $0) }.joined()
    }
    static let reconnectPause: Duration = .seconds(1)

    private let cache: ActiveLeaseCache
    private struct Running {
        var task: Task<Void, Never>?
        var connection: PostgresConnection?
        /// The listening connection's server process, for an operator reading `pg_stat_activity` (and the tests).
        var backendPID: Int32?
        var stopping = false
    }
    private let running = NIOLockedValueBox(Running())

    init(cache: ActiveLeaseCache) {
        self.cache = cache
    }

    func start(configuration: PostgresConnection.Configuration, schema: String, eventLoop: any EventLoop, logger: Logger) {
        var named = configuration
        named.options.additionalStartupParameters.append(("application_name", "herald installation changes"))
        let listening = named
        running.withLockedValue { running in
            guard running.task == nil else { return }
            running.stopping = false
            running.task = Task { await self.listen(configuration: listening, channel: Self.channel(schema: schema), eventLoop: eventLoop, logger: logger) }
        }
    }

    /// Stops listening and waits until the connection is closed; the cache stops serving.
    func stop() async {
        let (task, connection) = running.withLockedValue { running in
            running.stopping = true
            defer { running.task = nil }
            return (running.task, running.connection)
        }
        task?.cancel()
        try? await connection?.close()
        await task?.value
        cache.setServing(false)
    }

    var backendPID: Int32? { running.withLockedValue { $0.backendPID } }

    private var stopping: Bool { running.withLockedValue { $0.stopping } }

    private func listen(configuration: PostgresConnection.Configuration, channel: String, eventLoop: any EventLoop, logger: Logger) async {
        while !stopping {
            do {
                let connection = try await PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 0, logger: logger).get()
                var pid: Int32?
                for try await (value) in try await connection.query("SELECT pg_backend_pid()", logger: logger).decode(Int32.self) { pid = value }
                let keep = running.withLockedValue { running in
                    guard !running.stopping else { return false }
                    running.connection = connection
                    running.backendPID = pid
                    return true
                }
                guard keep else { try? await connection.close(); break }
                try await connection.listen(on: channel) { notifications in
                    // LISTEN is in place: from here on every change is heard, so answers from memory are safe.
                    cache.setServing(true)
                    for try await notification in notifications {
                        if let change = ActiveLeaseCache.Change(payload: notification.payload) { cache.forget(change) }
                        else { cache.forgetAll() }
                    }
                }
            } catch {
                if !stopping { logger.warning("heartbeat cache: not listening for installation changes (\(String(reflecting: error))); heartbeats read the database meanwhile") }
            }
            cache.setServing(false)
            let connection = running.withLockedValue { running in
                defer { running.connection = nil; running.backendPID = nil }
                return running.connection
            }
            try? await connection?.close()
            if !stopping { try? await Task.sleep(for: Self.reconnectPause) }
        }
    }
}

extension HeraldServices {
    /// PostgreSQL: heartbeats of seats seen a moment ago may be answered from memory once this listener hears
    /// every installation change (`ActiveLeaseCache`). Nothing on SQLite.
    func startListeningForInstallationChanges(eventLoop: any EventLoop, logger: Logger) {
        guard case .postgres(let url) = configuration.database else { return }
        do {
            installationChanges.start(configuration: try SQLPostgresConfiguration(url: url).coreConfiguration,
                                      schema: configuration.postgresSchema ?? "public", eventLoop: eventLoop, logger: logger)
        } catch {
            logger.warning("heartbeat cache: off, DATABASE_URL not usable for listening (\(error)); heartbeats read the database")
        }
    }
}

import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers

/// Deletes ended sessions every few minutes, in a task of its own (`herald serve`), in batches so that a large
/// backlog never holds SQLite's writer for long.
final class SessionSweeper: Sendable {
    private let task: NIOLockedValueBox<Task<Void, Never>?> = .init(nil)

    static let interval: TimeInterval = 10 * 60
    static let batch = 500

    /// Deletes every ended session now; returns how many.
    @discardableResult
    static func sweep(settings: SessionSettings, on db: any Database, now: Date = Date()) async throws -> Int {
        var deleted = 0
        while true {
            let ended = try await StoredSession.query(on: db).group(.or) {
                $0.filter(\.$seenAt < now.addingTimeInterval(-settings.idleTimeout))
                    .filter(\.$createdAt < now.addingTimeInterval(-settings.lifetime))
            }.limit(batch).all(\.$id)
            guard !ended.isEmpty else { return deleted }
            try await StoredSession.query(on: db).filter(\.$id ~~ ended).delete()
            deleted += ended.count
        }
    }

    func start(settings: SessionSettings, database: any Database, logger: Logger) {
        let sweeping = Task {
            while !Task.isCancelled {
                do { try await Self.sweep(settings: settings, on: database) } catch {
                    logger.warning("session sweep: \(String(reflecting: error))")
                }
                try? await Task.sleep(for: .seconds(Self.interval))
            }
        }
        task.withLockedValue { $0 = sweeping }
    }

    func stop() async {
        let running = task.withLockedValue { task in defer { task = nil }; return task }
        running?.cancel()
        await running?.value
    }
}

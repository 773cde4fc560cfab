import Fluent
import Foundation
import Logging

/// Deletes ended sessions every few minutes, in a task of its own (`herald serve`), in batches so that a large
/// backlog never holds SQLite's writer for long.
final class SessionSweeper: Sendable {
    private let task = PeriodicTask()

    static let interval: TimeInterval = 10 * 60
    static let batch = 500

    /// Deletes every ended session now; returns how many it found ended.
    @discardableResult
    static func sweep(settings: SessionSettings, on db: any Database, now: Date = Date()) async throws -> Int {
        var deleted = 0
        while true {
            let ended = try await StoredSession.query(on: db).group(.or) { Self.ended($0, settings: settings, now: now) }
                .limit(batch).all(\.$id)
            guard !ended.isEmpty else { return deleted }
            try await deleteIfEnded(ended, settings: settings, on: db, now: now)
            deleted += ended.count
        }
    }

    /// Deletes those of `ids` that are still ended: the condition is asked again in the DELETE itself, because a
    /// session used between the sweep's read and its delete is alive again and belongs to its person, not the sweeper.
    static func deleteIfEnded(_ ids: [UUID], settings: SessionSettings, on db: any Database, now: Date = Date()) async throws {
        try await StoredSession.query(on: db).filter(\.$id ~~ ids).group(.or) { Self.ended($0, settings: settings, now: now) }.delete()
    }

    private static func ended(_ query: QueryBuilder<StoredSession>, settings: SessionSettings, now: Date) {
        query.filter(\.$seenAt < now.addingTimeInterval(-settings.idleTimeout))
            .filter(\.$createdAt < now.addingTimeInterval(-settings.lifetime))
    }

    func start(settings: SessionSettings, database: any Database, logger: Logger) {
        task.start(every: Self.interval, name: "session sweep", logger: logger) { try await Self.sweep(settings: settings, on: database) }
    }

    func stop() async { await task.stop() }
}

import Foundation

/// Lines up, inside this process, the writers that need one lock in the database, first come first served.
///
/// A request waiting here is a suspended task that holds no connection and no thread, whereas one waiting for the
/// database lock holds a pooled connection (PostgreSQL) or spins in SQLite's busy handler. Two queues use it:
/// - activations of the same license key (`SeatLock`): under a burst of 2,000 activations, waiting in the database
///   exhausted the connection pool's timeout; waiting here does not;
/// - every SQLite write transaction (`sqliteFile`, see `SQLiteWriteRetry`): SQLite has one writer for the whole file.
///   Without a queue, the writers raced for the lock: a 100,000-row import writing slice after slice won the race
///   again and again, and another organization's single write waited seconds. In this queue it waits for at most
///   the slice being written.
///
/// One per application (made in `configure`, shared by the SQLite driver wrapper and `SeatLock`), not per process:
/// two applications in one process (the tests make many) have different databases and must not wait for each other.
package actor WriteQueue {
    /// The key of SQLite's single write lock: every SQLite writer of this application shares it.
    static let sqliteFile = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!

    private struct HeldKey: Hashable {
        let queue: ObjectIdentifier
        let key: UUID
    }

    /// The keys the current task holds, so that a writer inside another (a transaction opened while one is already
    /// running, on another connection) goes on instead of waiting for itself.
    @TaskLocal private static var held: Set<HeldKey> = []

    private var busy: Set<UUID> = []
    private var waiting: [UUID: [CheckedContinuation<Void, Never>]] = [:]

    nonisolated func run<T: Sendable>(key: UUID, _ body: @Sendable () async throws -> T) async throws -> T {
        let heldKey = HeldKey(queue: ObjectIdentifier(self), key: key)
        if Self.held.contains(heldKey) { return try await body() }
        await acquire(key)
        do {
            let result = try await Self.$held.withValue(Self.held.union([heldKey])) { try await body() }
            await release(key)
            return result
        } catch {
            await release(key)
            throw error
        }
    }

    private func acquire(_ key: UUID) async {
        if busy.insert(key).inserted { return }
        await withCheckedContinuation { waiting[key, default: []].append($0) }
    }

    /// Hands the key straight to the next waiter, so it never looks free while someone is queued.
    private func release(_ key: UUID) {
        if var queue = waiting[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[key] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            busy.remove(key)
        }
    }
}

import Foundation

/// Lines activations of the same license key up inside this process before they touch the database.
///
/// The database lock (`SeatLock`) is what keeps seats correct, also across several Herald instances. This queue
/// keeps it fast: a request waiting here is a suspended task that holds no connection and no thread, whereas one
/// waiting for the database lock holds a pooled connection (PostgreSQL) or sleeps in SQLite's busy handler in
/// steps of up to 100 ms. Under a burst of 2,000 activations, waiting in the database exhausts the connection
/// pool's timeout; waiting here does not.
///
/// One per application (`SeatLock`, owned by `HeraldServices`), not per process: two applications in one process
/// (the tests make many) have different databases, and must not wait for each other's keys.
actor ActivationQueue {
    private var busy: Set<UUID> = []
    private var waiting: [UUID: [CheckedContinuation<Void, Never>]] = [:]

    func run<T: Sendable>(key: UUID, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
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

import Foundation

/// At most `limit` attempts per key in any `window` seconds (a sliding log: exact,
/// unlike fixed windows that allow 2 × limit across a boundary). Keys are things
/// like "signin:203.0.113.7" or "redeem:bob@example.com".
///
/// A plain value with no clock and no locks: the app wraps it in an actor, and
/// tests pass `now` explicitly.
public struct SlidingWindowRateLimiter: Sendable {
    public enum Decision: Sendable, Hashable {
        case allowed
        /// Seconds until the oldest counted attempt leaves the window.
        case limited(retryAfter: TimeInterval)
    }

    public let limit: Int
    public let window: TimeInterval
    /// Attempt times per key, oldest first; never more than `limit` entries.
    private var attempts: [String: [Date]] = [:]
    private var attemptsSincePrune = 0
    /// Idle keys are dropped every this many attempts, so memory follows the
    /// number of recently active keys, not every address ever seen.
    private let pruneInterval = 1024

    public init(limit: Int, window: TimeInterval) {
        precondition(limit > 0 && window > 0, "a rate limit needs a positive limit and window")
        self.limit = limit
        self.window = window
    }

    /// Counts an attempt if it is allowed; a refused attempt is not counted, so a
    /// client that keeps retrying is not locked out for ever.
    public mutating func attempt(key: String, now: Date) -> Decision {
        attemptsSincePrune += 1
        if attemptsSincePrune >= pruneInterval { prune(now: now) }
        var times = attempts[key, default: []]
        let cutoff = now.addingTimeInterval(-window)
        times.removeAll { $0 <= cutoff }
        if times.count >= limit {
            let retryAfter = times[0].addingTimeInterval(window).timeIntervalSince(now)
            attempts[key] = times
            return .limited(retryAfter: max(retryAfter, 0))
        }
        times.append(now)
        attempts[key] = times
        return .allowed
    }

    /// Whether `key` is limited now, without counting anything: for callers that count only failures but must
    /// refuse every attempt, successful or not, while a key is limited.
    public func decision(key: String, now: Date) -> Decision {
        guard let times = attempts[key] else { return .allowed }
        let cutoff = now.addingTimeInterval(-window)
        let live = times.drop { $0 <= cutoff }
        guard live.count >= limit, let oldest = live.first else { return .allowed }
        return .limited(retryAfter: max(oldest.addingTimeInterval(window).timeIntervalSince(now), 0))
    }

    /// Forgets a key, e.g. after a successful sign-in.
    public mutating func reset(key: String) {
        attempts[key] = nil
    }

    /// Drops keys with no attempt inside the window.
    public mutating func prune(now: Date) {
        let cutoff = now.addingTimeInterval(-window)
        attempts = attempts.filter { $0.value.last.map { $0 > cutoff } ?? false }
        attemptsSincePrune = 0
    }

    /// Number of keys currently remembered.
    public var trackedKeys: Int { attempts.count }
}

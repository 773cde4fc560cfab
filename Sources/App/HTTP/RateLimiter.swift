import Foundation
import HeraldCore
import NIOConcurrencyHelpers
import Vapor

/// A `SlidingWindowRateLimiter` behind a lock, so concurrent requests count correctly. A lock rather than an actor:
/// the activation fast path asks it on the event loop without starting a task, and each call is a dictionary lookup.
final class RateLimiter: Sendable {
    private let window: NIOLockedValueBox<SlidingWindowRateLimiter>

    init(limit: Int, window: TimeInterval) {
        self.window = NIOLockedValueBox(SlidingWindowRateLimiter(limit: limit, window: window))
    }

    func reset(key: String) {
        window.withLockedValue { $0.reset(key: key) }
    }

    /// Counts an attempt: `nil` when it may go ahead, otherwise the seconds to wait.
    func retryAfter(key: String, now: Date = Date()) -> TimeInterval? {
        Self.wait(window.withLockedValue { $0.attempt(key: key, now: now) })
    }

    /// Whether `key` is limited now, counting nothing: `nil` when it is not, otherwise the seconds to wait.
    func waitTime(key: String, now: Date = Date()) -> TimeInterval? {
        Self.wait(window.withLockedValue { $0.decision(key: key, now: now) })
    }

    private static func wait(_ decision: SlidingWindowRateLimiter.Decision) -> TimeInterval? {
        switch decision {
        case .allowed: nil
        case .limited(let retryAfter): retryAfter
        }
    }
}

extension Abort {
    /// 429 with `Retry-After`, the answer of every rate limit.
    static func tooManyRequests(wait: TimeInterval, reason: String) -> Abort {
        Abort(.tooManyRequests, headers: ["Retry-After": String(Int(wait.rounded(.up)))], reason: reason)
    }
}

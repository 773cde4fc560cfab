import Foundation
import HeraldCore

/// Serialises access to a `SlidingWindowRateLimiter` so concurrent requests count correctly.
actor RateLimiter {
    private var window: SlidingWindowRateLimiter

    init(limit: Int, window: TimeInterval) {
        self.window = SlidingWindowRateLimiter(limit: limit, window: window)
    }

    func reset(key: String) {
        window.reset(key: key)
    }

    /// `nil` when the attempt may go ahead, otherwise the seconds to wait.
    func retryAfter(key: String, now: Date = Date()) -> TimeInterval? {
        switch window.attempt(key: key, now: now) {
        case .allowed: nil
        case .limited(let retryAfter): retryAfter
        }
    }
}

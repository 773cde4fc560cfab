import Foundation

/// When to try a temporarily failed message again, and when to give up.
///
/// Exponential backoff with jitter: after the n-th failed attempt wait base × 2^(n-1), capped, times a random
/// factor in 0.5...1.5 so that messages deferred together (a server restart) do not all come back together.
struct RetryPolicy: Sendable {
    var baseDelay: TimeInterval
    var maximumDelay: TimeInterval
    /// Time since the message was queued after which temporary failures become permanent.
    var horizon: TimeInterval
    var jitter: @Sendable () -> Double = { Double.random(in: 0.5...1.5) }

    init(_ settings: DeliverySettings) {
        baseDelay = settings.retryBaseDelay
        maximumDelay = settings.retryMaximumDelay
        horizon = settings.retryHorizon
    }

    func delay(afterAttempt attempt: Int) -> TimeInterval {
        let exponential = baseDelay * pow(2, Double(max(0, attempt - 1)))
        return min(exponential, maximumDelay) * jitter()
    }

    /// The status, next attempt time and recorded reason for an outcome.
    func settle(_ message: ClaimedMessage, _ outcome: DeliveryOutcome, now: Date) -> (OutboxStatus, Date, String?) {
        switch outcome {
        case .sent:
            return (.sent, now, nil)
        case .permanentFailure(let reason):
            return (.failed, now, reason)
        case .temporaryFailure(let reason):
            let next = now.addingTimeInterval(delay(afterAttempt: message.attempts))
            if next.timeIntervalSince(message.createdAt) > horizon {
                return (.failed, now, "gave up after \(message.attempts) attempt(s): \(reason)")
            }
            return (.deferred, next, reason)
        }
    }
}

import Foundation

/// When to post a failed delivery again: exponential backoff with jitter (base × 2^(n-1), capped, × 0.5...1.5), given
/// up once the next attempt would fall past the horizon measured from the event.
struct WebhookRetryPolicy: Sendable {
    var settings: WebhookSettings
    var jitter: @Sendable () -> Double = { Double.random(in: 0.5...1.5) }

    func settle(_ delivery: ClaimedWebhook, _ attempt: WebhookAttempt, now: Date) -> (WebhookDeliveryStatus, Date) {
        if attempt.acknowledged { return (.delivered, now) }
        let exponential = settings.retryBaseDelay * pow(2, Double(min(max(0, delivery.attempts - 1), 30)))
        let next = now.addingTimeInterval(min(exponential, settings.retryMaximumDelay) * jitter())
        if next.timeIntervalSince(delivery.createdAt) > settings.retryHorizon { return (.failed, now) }
        return (.deferred, next)
    }
}

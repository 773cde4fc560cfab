import Foundation
import Metrics
import Prometheus

/// Herald's Prometheus metrics. Code records through swift-metrics (`Counter`, `Timer`, `Gauge`); this file
/// installs the Prometheus backend and names what Herald itself records. Vapor records HTTP latency on its
/// own once a backend is installed: `http_request_duration_seconds{method,path,status}`, where `path` is the
/// route pattern (`/join/:token`), never the raw URL, so tokens do not end up in labels.
enum HeraldMetrics {
    /// The process's one registry. `MetricsSystem.bootstrap` may run only once per process, and tests make
    /// many Applications in one process, so it happens in this lazily initialised (thread-safe) static.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Console pages answer in milliseconds; SMTP batches can take tens of seconds.
        factory.durationHistogramBuckets[Name.deliveryBatchDuration] = [
            .milliseconds(50), .milliseconds(250), .seconds(1), .seconds(5), .seconds(15), .seconds(60), .seconds(300),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    enum Name {
        static let deliveries = "herald_deliveries_total"
        /// Bounces recorded from bounce mailboxes, by `kind` (hard, soft).
        static let bounces = "herald_bounces_total"
        static let deliveryBatchDuration = "herald_delivery_batch_duration_seconds"
        static let outboxMessages = "herald_outbox_messages"
        static let outboxOldestDueAge = "herald_outbox_oldest_due_age_seconds"
    }

    /// Installs the Prometheus backend, once per process; later calls do nothing.
    static func bootstrap() { _ = registry }

    /// Counts a delivery batch's outcomes: `rate(herald_deliveries_total{outcome="sent"}[5m])` is the delivery
    /// rate, `outcome="failed"` the permanent failures, `outcome="deferred"` the retries.
    static func recordDeliveries(sent: Int, deferred: Int, failed: Int, duration: Duration) {
        for (outcome, count) in [("sent", sent), ("deferred", deferred), ("failed", failed)] where count > 0 {
            Counter(label: Name.deliveries, dimensions: [("outcome", outcome)]).increment(by: count)
        }
        let (seconds, attoseconds) = duration.components
        Timer(label: Name.deliveryBatchDuration).recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// The outbox as of now (set at each scrape): messages per unsettled status, and how long the oldest
    /// message that is due has been waiting (0 when none is), which is what to alert on when mail is stuck.
    static func recordOutbox(counts: [OutboxStatus: Int], oldestDueAge: TimeInterval) {
        for status in OutboxStatus.allCases where status != .sent {
            Gauge(label: Name.outboxMessages, dimensions: [("status", status.rawValue)]).record(counts[status] ?? 0)
        }
        Gauge(label: Name.outboxOldestDueAge).record(max(0, oldestDueAge))
    }

    /// Every metric in the Prometheus text format 0.0.4.
    static func exposition() -> String { registry.emitToString() }
}

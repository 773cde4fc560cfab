@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The metrics registry is per process and shared by every test's Application, so these tests compare
/// values before and after rather than absolute numbers, and tolerate other tests running alongside.
@Suite("Prometheus metrics")
struct MetricsTests {
    @Test("/metrics answers in the Prometheus text format with outbox depth and HTTP latency")
    func exposition() async throws {
        try await withHerald { app in
            // given
            let organizationID = try await TestData.administrator(app, email: "a@example.com", password: "Correct-Horse-42", organization: "Ours").organization.requireID()
            try await MailFixtures.enqueue(app, organizationID: organizationID, count: 3, prefix: "depth")
            _ = try await app.testing().sendRequest(.GET, "/healthz")
            // when
            let response = try await app.testing().sendRequest(.GET, "/metrics")
            let text = response.body.string
            // then
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentType) == "text/plain; version=0.0.4; charset=utf-8")
            #expect(text.contains("# TYPE herald_outbox_messages gauge"))
            #expect(text.contains(#"herald_outbox_messages{status="queued"} 3"#))
            #expect(text.contains(#"herald_outbox_messages{status="failed"} 0"#))
            #expect(text.contains("herald_outbox_oldest_due_age_seconds "))
            #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
            #expect(text.contains(#"path="/healthz""#))
        }
    }

    @Test("each delivered batch adds its outcomes to herald_deliveries_total")
    func deliveries() async throws {
        try await withHerald { app in
            // given
            let organizationID = try await TestData.administrator(app, email: "a@example.com", password: "Correct-Horse-42", organization: "Ours").organization.requireID()
            try await MailFixtures.enqueue(app, organizationID: organizationID, count: 4, prefix: "counted")
            let before = Self.value(of: #"herald_deliveries_total{outcome="sent"}"#, in: HeraldMetrics.exposition())
            // when
            let report = try await app.herald.deliveryWorker.deliverUntilEmpty()
            // then
            let after = Self.value(of: #"herald_deliveries_total{outcome="sent"}"#, in: HeraldMetrics.exposition())
            #expect(report.sent == 4)
            #expect(after - before >= 4)
            #expect(HeraldMetrics.exposition().contains("herald_delivery_batch_duration_seconds_count"))
        }
    }

    static func value(of series: String, in text: String) -> Double {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }
}

@Suite("Prometheus metrics behind a token")
struct MetricsTokenTests {
    @Test("with HERALD_METRICS_TOKEN set, /metrics needs it as a Bearer token")
    func token() async throws {
        try await withHerald({ $0.metricsToken = "scrape-secret-0123456789" }) { app in
            // given / when
            let missing = try await app.testing().sendRequest(.GET, "/metrics")
            let wrong = try await app.testing().sendRequest(.GET, "/metrics", headers: ["Authorization": "Bearer scrape-secret-0123456780"])
            let right = try await app.testing().sendRequest(.GET, "/metrics", headers: ["Authorization": "Bearer scrape-secret-0123456789"])
            // then
            #expect(missing.status == .unauthorized && wrong.status == .unauthorized)
            #expect(missing.body.string.contains("HERALD_METRICS_TOKEN"))
            #expect(right.status == .ok)
        }
    }

    @Test("a metrics token shorter than 16 characters is refused at start-up")
    func shortToken() throws {
        // given / when / then
        #expect(throws: ConfigurationError.self) { try Configuration.fromEnvironment(["HERALD_METRICS_TOKEN": "short"]) }
        let configuration = try Configuration.fromEnvironment(["HERALD_METRICS_TOKEN": "long-enough-token-123"])
        #expect(configuration.metricsToken == "long-enough-token-123")
    }
}

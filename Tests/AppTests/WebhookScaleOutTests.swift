@testable import App
import Fluent
import Foundation
import LiveServerSupport
import Testing

/// Two `herald serve` instances on one PostgreSQL database post each webhook event once (the PostgreSQL pass).
@Suite("webhooks from two instances on one PostgreSQL database", .enabled(if: TestDatabase.isPostgres, "runs in the PostgreSQL pass"))
struct WebhookScaleOutTests {
    @Test("events queued through both instances are posted once each, by both instances' workers")
    func twoInstancesPostEachEventOnce() async throws {
        let receiver = try WebhookReceiver()
        defer { receiver.stop() }
        let deployment = try HeraldDeployment(postgres: true)
        defer { deployment.tearDown() }
        let token = try deployment.organization(smtpPort: 2525)
        let settings = ["HERALD_AUTO_MIGRATE": "false", "HERALD_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true"]
        async let startA = deployment.serve(settings)
        async let startB = deployment.serve(settings)
        let (a, b) = try await (startA, startB)
        let (status, body) = try await a.request("POST", "/api/v1/webhooks/endpoints", token: token, json: ["url": receiver.url("slow", "scale")])
        #expect(status == 201)
        let created = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let id = try #require(created["id"] as? String)
        try await receiver.register("scale", secrets: [try #require(created["secret"] as? String)])
        // when: test events queued through both instances at once (the receiver takes 1.5 s each)
        // More than one instance holds at once (4 lanes × 25 in flight), so the other must take part.
        let count = 240
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<count {
                group.addTask { _ = try await (n % 2 == 0 ? a : b).request("POST", "/api/v1/webhooks/endpoints/\(id)/test", token: token) }
            }
            try await group.waitForAll()
        }
        try await poll("every event posted", timeout: .seconds(120)) { try await receiver.log("scale").count >= count }
        try await Task.sleep(for: .seconds(2))
        // then
        let log = try await receiver.log("scale")
        #expect(log.count == count && Set(log.compactMap(\.id)).count == count, "each once")
        #expect(log.allSatisfy { $0.verified })
        let posters = try await deployment.withDatabase { db in
            try await WebhookDelivery.query(on: db).all().reduce(into: [String: Int]()) { counts, row in
                counts[row.leasedBy?.split(separator: ":").dropFirst().first.map(String.init) ?? "?", default: 0] += 1
            }
        }
        #expect(Set(posters.keys) == Set([a.process.processIdentifier, b.process.processIdentifier].map(String.init)), "both posted: \(posters)")
    }
}

@testable import App
import Fluent
import Foundation
import Testing

/// Two `herald serve` instances on one PostgreSQL database, as behind a load balancer. Runs in the PostgreSQL pass
/// of ./scripts/test (SQLite is one machine by design). Benchmarks/scale-out runs the same with 10,000 messages.
@Suite("two instances on one PostgreSQL database", .enabled(if: TestDatabase.isPostgres, "runs in the PostgreSQL pass"))
struct ScaleOutTests {
    @Test("invitations through both instances and one batch delivered by both workers: none twice, none lost")
    func twoWorkersOneBatch() async throws {
        let server = try FaultSMTPServer.fromEnvironment()
        let deployment = try HeraldDeployment(postgres: true)
        defer { deployment.tearDown() }
        // given: migrations run once, then two instances that do not migrate
        let token = try deployment.organization(smtpPort: try server.port("accept"))
        let settings = ["HERALD_AUTO_MIGRATE": "false", "HERALD_DELIVERY_CONCURRENCY": "4"]
        async let startA = deployment.serve(settings)
        async let startB = deployment.serve(settings)
        let (a, b) = try await (startA, startB)
        let prefix = "scale-\(UUID().uuidString.prefix(8).lowercased())"

        // when: people are invited through both instances at once, and one big batch is queued
        async let viaA = a.request("POST", "/api/v1/invitations/join", token: token,
                                   json: ["emails": (0..<20).map { "\(prefix)-a\($0)@example.com" }])
        async let viaB = b.request("POST", "/api/v1/invitations/join", token: token,
                                   json: ["emails": (0..<20).map { "\(prefix)-b\($0)@example.com" }])
        let (createdA, createdB) = try await (viaA, viaB)
        let count = ProcessInfo.processInfo.environment["HERALD_SCALE_OUT_MESSAGES"].flatMap(Int.init) ?? 2000
        try deployment.inviteBatch(prefix: prefix, count: count)
        let total = count + 40
        try await poll("every message sent", timeout: .seconds(60 + count / 20)) {
            try await deployment.outbox(prefix: prefix).statuses == ["sent": total]
        }

        // then
        #expect(createdA.0 == 201 && createdB.0 == 201, "\(String(decoding: createdA.1, as: UTF8.self))")
        let accepted = try server.acceptedCounts(recipientPrefix: prefix)
        #expect(accepted.count == total, "none lost")
        #expect(accepted.values.allSatisfy { $0 == 1 }, "none twice: \(accepted.filter { $0.value > 1 }.count) duplicates")
        let senders = try await deployment.withDatabase { db in
            try await OutboxMessage.query(on: db).filter(\.$recipients, .custom("LIKE"), "\(prefix)-%").all()
                .reduce(into: [String: Int]()) { counts, row in
                    // leased_by is host:pid:random; the pid says which instance sent it.
                    let pid = row.leasedBy?.split(separator: ":").dropFirst().first.map(String.init) ?? "?"
                    counts[pid, default: 0] += 1
                }
        }
        let pids = [a.process.processIdentifier, b.process.processIdentifier].map(String.init)
        #expect(Set(senders.keys) == Set(pids), "both instances' workers sent part of the batch: \(senders)")
        print("scale-out: \(total) messages, sent per instance \(senders), duplicates 0")
    }
}

@testable import App
import Fluent
import Foundation
import LiveServerSupport
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
        // A server taking 10 ms a message, so the batch lasts seconds: against a fast one, the first worker to poll
        // could send all of it before the other's next poll, and the test then said nothing about sharing the work.
        let token = try deployment.organization(smtpPort: try server.port("accept-slow"))
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
            try await deployment.outbox(prefix: prefix).statuses == [.sent: total]
        }

        // then
        #expect(createdA.0 == 201 && createdB.0 == 201, "\(String(decoding: createdA.1, as: UTF8.self))")
        let accepted = try server.acceptedCounts(recipientPrefix: prefix)
        #expect(accepted.count == total, "none lost")
        #expect(accepted.values.allSatisfy { $0 == 1 }, "none twice: \(accepted.filter { $0.value > 1 }.count) duplicates")
        let senders = try await deployment.withDatabase { db in
            try await OutboxMessage.query(on: db).filter(\.$recipients, .custom("LIKE"), "\(prefix)-%").all()
                .reduce(into: [String: Int]()) { counts, row in
                    // leased_by is host:pid:random/claim; the pid says which instance sent it.
                    let pid = row.leasedBy?.split(separator: ":").dropFirst().first.map(String.init) ?? "?"
                    counts[pid, default: 0] += 1
                }
        }
        let pids = [a.process.processIdentifier, b.process.processIdentifier].map(String.init)
        #expect(Set(senders.keys) == Set(pids), "both instances' workers sent part of the batch: \(senders)")
        print("scale-out: \(total) messages, sent per instance \(senders), duplicates 0")
    }

    @Test("activations racing through both instances never use more seats than the key has")
    func activationsRaceThroughBoth() async throws {
        let server = try FaultSMTPServer.fromEnvironment()
        let deployment = try HeraldDeployment(postgres: true)
        defer { deployment.tearDown() }
        // given: a key with 3 seats and 12 install invitations, two instances
        // A server taking 10 ms a message, so the batch lasts seconds: against a fast one, the first worker to poll
        // could send all of it before the other's next poll, and the test then said nothing about sharing the work.
        let token = try deployment.organization(smtpPort: try server.port("accept-slow"))
        let settings = ["HERALD_AUTO_MIGRATE": "false"]
        async let startA = deployment.serve(settings)
        async let startB = deployment.serve(settings)
        let (a, b) = try await (startA, startB)
        let (keyStatus, keyBody) = try await a.request("POST", "/api/v1/license-keys", token: token,
                                                       json: ["name": "Race", "product": "Race Pro", "seats": 3, "key": "RACE-1111-2222-3333"])
        #expect(keyStatus == 201 || keyStatus == 200, "\(String(decoding: keyBody, as: UTF8.self))")
        let keyID = try #require((try JSONSerialization.jsonObject(with: keyBody) as? [String: Any])?["id"] as? String)
        let prefix = "race-\(UUID().uuidString.prefix(8).lowercased())"
        let (_, invited) = try await b.request("POST", "/api/v1/license-keys/\(keyID)/invitations", token: token,
                                               json: ["emails": (0..<12).map { "\(prefix)-\($0)@example.com" }])
        let invitations = try #require((try JSONSerialization.jsonObject(with: invited) as? [String: Any])?["invitations"] as? [[String: Any]])
        let codes = invitations.compactMap { $0["activationCode"] as? String }
        #expect(codes.count == 12)

        // when: every code is presented at once, alternately to each instance, each from its own machine
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, code) in codes.enumerated() {
                let instance = index.isMultiple(of: 2) ? a : b
                group.addTask {
                    try await instance.request("POST", "/api/v1/activations", json: [
                        "code": code, "fingerprint": "machine-\(index)-fingerprint", "computerName": "PC-\(index)", "operatingSystem": "Linux",
                    ]).0
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }

        // then: exactly the seats, the rest refused cleanly
        #expect(statuses.filter { $0 == 201 }.count == 3, "\(statuses.sorted())")
        #expect(statuses.filter { $0 == 422 }.count == 9, "\(statuses.sorted())")
        let installations = try await deployment.withDatabase { db in try await Installation.query(on: db).count() }
        #expect(installations == 3)
    }
}

@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Outbox: claims, leases, retries, the file transport")
struct OutboxTests {
    @Test("a fresh install delivers to the .eml spool, one file per message, status sent")
    func fileTransport() async throws {
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let queued = try await MailFixtures.enqueue(app, organizationID: admin.organization.id, count: 3, prefix: "spool")
            // when
            let report = try await app.herald.deliveryWorker.deliverUntilEmpty()
            // then
            #expect(report.sent == 3)
            #expect(try await MailFixtures.statuses(app) == [.sent: 3])
            for message in queued {
                let path = app.herald.deliveryWorker.resolver.spoolFolder + "/\(try message.requireID().uuidString.lowercased()).eml"
                let eml = try String(contentsOfFile: path, encoding: .utf8)
                #expect(eml.contains("Message-ID: \(message.messageID)"))
            }
        }
    }

    @Test("the API reports each message's status and a batch's progress as counts")
    func outboxAPI() async throws {
        try await withHerald { app in
            // given: a batch of 4 queued, and 2 messages outside it already sent
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let token = try await APITokenService.create(name: "ci", scope: .administration, organizationID: try admin.organization.requireID(), accountID: try admin.account.requireID(), actor: .system, on: app.db).token
            try await MailFixtures.enqueue(app, organizationID: admin.organization.id, count: 2, prefix: "early")
            _ = try await app.herald.deliveryWorker.deliverUntilEmpty()
            let batch = UUID()
            try await MailFixtures.enqueue(app, organizationID: admin.organization.id, count: 4, prefix: "batch", batchID: batch)
            // when
            let all = try await app.testing().sendRequest(.GET, "/api/v1/outbox", headers: ["Authorization": "Bearer \(token)"])
            let progress = try await app.testing().sendRequest(.GET, "/api/v1/outbox?batch=\(batch.uuidString)", headers: ["Authorization": "Bearer \(token)"])
            let bad = try await app.testing().sendRequest(.GET, "/api/v1/outbox?status=lost", headers: ["Authorization": "Bearer \(token)"])
            // then
            #expect(try all.content.get([String: Int].self, at: "counts") == ["queued": 4, "sending": 0, "sent": 2, "deferred": 0, "failed": 0])
            #expect(try progress.content.get([String: Int].self, at: "counts")["queued"] == 4)
            #expect(try progress.content.get([String: Int].self, at: "counts")["sent"] == 0)
            #expect(bad.status == .badRequest)
            #expect(try bad.content.get(String.self, at: "reason").hasPrefix("status: must be one of"))
        }
    }

    @Test("the per-server rate limit spaces batches; other servers are not held up")
    func sendingPacer() async {
        // given: 50 messages per second
        let pacer = SendingPacer(messagesPerSecond: 50)
        let clock = ContinuousClock()
        // when: two batches of 10 for one server, then one for another server
        let first = await clock.measure { await pacer.wait(for: 10, server: "a") }
        let second = await clock.measure { await pacer.wait(for: 10, server: "a") }
        let other = await clock.measure { await pacer.wait(for: 10, server: "b") }
        // then: the second batch waited for the first one's 10 / 50 s; the other server did not
        #expect(first < .milliseconds(50))
        #expect(second >= .milliseconds(180))
        #expect(other < .milliseconds(50))
    }

    @Test("concurrent claimers never take the same message")
    func claimsAreDisjoint() async throws {
        try await withHerald { app in
            // given
            try await MailFixtures.enqueue(app, organizationID: nil, count: 600, prefix: "claim")
            // when
            let claimed = try await withThrowingTaskGroup(of: [UUID].self) { group in
                for worker in 0..<6 {
                    group.addTask {
                        var mine: [UUID] = []
                        let claim = OutboxClaim(database: app.db, workerID: "w\(worker)")
                        while true {
                            let batch = try await claim.claim(limit: 37, leaseDuration: 600)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [UUID]()) { $0 += $1 }
            }
            // then
            #expect(claimed.count == 600)
            #expect(Set(claimed).count == 600)
        }
    }

    @Test("outcomes handed to the recorder by many lanes at once are all committed, and each lane waits for its own")
    func groupCommitRecordsEveryLane() async throws {
        try await withHerald { app in
            // given: 12 lanes, each holding a claimed slice
            try await MailFixtures.enqueue(app, organizationID: nil, count: 240, prefix: "group")
            let claim = OutboxClaim(database: app.db, workerID: "recorder-test")
            let recorder = OutcomeRecorder(claim: claim, policy: RetryPolicy(DeliverySettings()))
            var slices: [[ClaimedMessage]] = []
            for _ in 0..<12 { slices.append(try await claim.claim(limit: 20, leaseDuration: 600)) }
            // when: all record at once; each checks right after its own call returned
            let committedOnReturn = try await withThrowingTaskGroup(of: Bool.self) { group in
                for slice in slices {
                    group.addTask {
                        try await recorder.record(slice.map { ($0, .sent(reply: nil)) })
                        let sent = try await OutboxMessage.query(on: app.db).filter(\.$id ~~ slice.map(\.id)).filter(\.$status == .sent).count()
                        return sent == slice.count
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            // then
            #expect(committedOnReturn == Array(repeating: true, count: 12))
            #expect(try await MailFixtures.statuses(app) == [.sent: 240])
        }
    }

    @Test("a message whose lease expired (its worker died) is claimed again; a live lease is respected")
    func expiredLeasesAreReclaimed() async throws {
        try await withHerald { app in
            // given: a worker claims and "crashes" without recording anything
            try await MailFixtures.enqueue(app, organizationID: nil, count: 5, prefix: "lease")
            let crashed = OutboxClaim(database: app.db, workerID: "crashed")
            let first = try await crashed.claim(limit: 10, leaseDuration: 60)
            let survivor = OutboxClaim(database: app.db, workerID: "survivor")
            // when
            let whileLeased = try await survivor.claim(limit: 10, leaseDuration: 60)
            let afterExpiry = try await survivor.claim(limit: 10, leaseDuration: 60, now: Date().addingTimeInterval(120))
            // then
            #expect(first.count == 5)
            #expect(whileLeased.isEmpty)
            #expect(Set(afterExpiry.map(\.id)) == Set(first.map(\.id)))
            #expect(afterExpiry.allSatisfy { $0.attempts == 2 })
        }
    }

    @Test("temporary failures are deferred with backoff, then failed past the horizon; permanent ones fail at once")
    func retryPolicy() {
        // given
        var settings = DeliverySettings()
        settings.retryBaseDelay = 60
        settings.retryMaximumDelay = 3600
        settings.retryHorizon = 7200
        var policy = RetryPolicy(settings)
        policy.jitter = { 1 }
        let now = Date()
        let young = ClaimedMessage(id: UUID(), organizationID: nil, mailFrom: "a@b.c", recipients: ["d@e.f"], raw: [], attempts: 3, createdAt: now)
        let old = ClaimedMessage(id: UUID(), organizationID: nil, mailFrom: "a@b.c", recipients: ["d@e.f"], raw: [], attempts: 9, createdAt: now.addingTimeInterval(-7000))
        // when
        let deferred = policy.settle(young, .temporaryFailure("451 4.3.0 try later"), now: now)
        let givenUp = policy.settle(old, .temporaryFailure("451 4.3.0 try later"), now: now)
        let failed = policy.settle(young, .permanentFailure("550 5.1.1 no such user"), now: now)
        // then
        #expect(deferred.0 == .deferred)
        #expect(deferred.1 == now.addingTimeInterval(240))
        #expect(policy.delay(afterAttempt: 20) == 3600)
        #expect(givenUp.0 == .failed)
        #expect(givenUp.2?.hasPrefix("gave up after 9 attempt(s)") == true)
        #expect(failed.0 == .failed)
        #expect(failed.2 == "550 5.1.1 no such user")
    }
}

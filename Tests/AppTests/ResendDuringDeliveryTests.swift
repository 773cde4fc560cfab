@testable import App
import Fluent
import Foundation
import LiveServerSupport
import Testing
import Vapor

/// Resends write the invitation and queue a message while the worker claims, renews and records in the same tables.
@Suite("resends while the worker delivers")
struct ResendDuringDeliveryTests {
    @Test("30 parallel resends while the delivery worker drains a backlog: no 5xx, every message delivered once")
    func parallelResendsWhileDraining() async throws {
        let server = try FaultSMTPServer.fromEnvironment()
        // Small slices, each recorded as it is sent: the worker writes often while the resends do. The lease is long
        // enough that a loaded machine does not lapse it under a slice on the wire (a 3 s one did, in the PostgreSQL
        // pass beside the other suites): a lapse sends that slice twice by design, which CrashRecoveryTests and
        // DeliveryLeaseTests cover; here a duplicate would have to come from the resends.
        try await withHerald({ $0.delivery.leaseDuration = 30; $0.delivery.recordEvery = 5 }) { app in
            // given: 30 invitations, and a backlog the worker is draining at 10 ms a message
            let tenant = try await ConcurrentWritesTests.tenant(app, "Acme")
            try await MailFixtures.useSMTP(app, organizationID: tenant.organizationID, port: try server.port("accept-slow"))
            let prefix = "resend-\(UUID().uuidString.prefix(8).lowercased())"
            let emails = (0..<30).map { "\"\(prefix)-i\($0)@example.com\"" }.joined(separator: ",")
            let invited = try await ConcurrentWritesTests.send(app, .init(label: "invite", method: .POST, path: "/api/v1/invitations/join",
                                                                          body: #"{"emails":[\#(emails)]}"#, tenant: tenant))
            try #require(invited.status.code < 300, "\(invited.body.string)")
            let invitationIDs = try await Invitation.query(on: app.db).all().map { try $0.requireID() }
            try await MailFixtures.enqueue(app, organizationID: tenant.organizationID, count: 300, prefix: prefix)
            let worker = app.herald.deliveryWorker
            worker.start()
            let outcomes: [ConcurrentWritesTests.Outcome]
            do {
                try await poll("the worker is sending", interval: .milliseconds(10)) { try server.acceptedCounts(recipientPrefix: prefix).count >= 20 }

                // when: every invitation is resent at once
                outcomes = try await ConcurrentWritesTests.parallel(
                    invitationIDs.map { ("resend", .POST, "/api/v1/invitations/\($0)/resend", "") }, app, tenant)
                // 360 messages at 10 ms take seconds; the bound only ends a hang (90 s ran out once on a machine at load 12).
                try await poll("every message sent", timeout: .seconds(240)) {
                    try await MailFixtures.statuses(app) == [.sent: 30 + 300 + 30]
                }
            } catch {
                await worker.stop()
                throw error
            }
            await worker.stop()

            // then
            let failures = outcomes.filter { $0.status.code >= 300 }
            #expect(failures.isEmpty, "\(failures.map { "\($0.status.code) \($0.body.prefix(200))" })")
            let accepted = try server.acceptedCounts(recipientPrefix: prefix)
            let queued = Set(try await OutboxMessage.query(on: app.db).all().map { FaultSMTPServer.bare($0.messageID) })
            #expect(Set(accepted.keys) == queued, "every queued message arrived, and nothing else")
            #expect(accepted.values.allSatisfy { $0 == 1 }, "none twice: \(accepted.filter { $0.value > 1 })")
        }
    }
}

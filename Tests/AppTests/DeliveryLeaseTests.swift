@testable import App
import Fluent
import Foundation
import LiveServerSupport
import SQLKit
import Testing

/// A lane delivers only what its lease still holds, and records only that.
@Suite("delivery leases")
struct DeliveryLeaseTests {
    @Test("a lane whose lease was taken over records nothing more and stops sending")
    func takenOverLaneStops() async throws {
        let server = try FaultSMTPServer.fromEnvironment()
        // A 3-second lease renewed every second; 5-message slices at 10 ms a message: about 20 slices a second.
        try await withHerald({ $0.delivery.leaseDuration = 3; $0.delivery.recordEvery = 5; $0.delivery.batchSize = 400 }) { app in
            // given: a lane in the middle of a 300-message claim
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let organizationID = try admin.organization.requireID()
            try await MailFixtures.useSMTP(app, organizationID: organizationID, port: try server.port("accept-slow"))
            let prefix = "lease-\(UUID().uuidString.prefix(8).lowercased())"
            _ = try await MailFixtures.enqueue(app, organizationID: organizationID, count: 300, prefix: prefix)
            let lane = Task { try await app.herald.deliveryWorker.deliverOneBatch() }
            try await poll("the lane is sending", interval: .milliseconds(10)) { try server.acceptedCounts(recipientPrefix: prefix).count >= 10 }

            // when: another worker takes the claim over, as after a lapsed lease
            let taken = try await app.db.sql.raw("""
                UPDATE outbox_messages SET leased_by = 'other-worker', lease_expires_at = \(bind: Date().addingTimeInterval(600))
                WHERE status = 'sending' RETURNING id
                """).all()
            _ = try await lane.value

            // then: every taken message is left to the new holder, unrecorded, and the lane stopped early
            let rows = try await OutboxMessage.query(on: app.db).all()
            #expect(taken.count > 0)
            #expect(rows.filter { $0.leasedBy == "other-worker" }.count == taken.count)
            #expect(rows.filter { $0.leasedBy == "other-worker" }.allSatisfy { $0.status == .sending && $0.sentAt == nil })
            let accepted = try server.acceptedCounts(recipientPrefix: prefix).count
            #expect(accepted < 300, "the lane stopped sending what it no longer held (\(accepted) sent)")
        }
    }
}

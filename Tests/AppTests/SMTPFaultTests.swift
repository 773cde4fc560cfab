@testable import App
import Fluent
import Foundation
import LiveServerSupport
import SQLKit
import Testing
import Vapor

/// Faults at every stage of an SMTP session, from scripts/smtp-fault-server.py on loopback: nothing is lost,
/// nothing is marked sent that the server did not accept, temporary faults are retried later, permanent ones fail
/// with the server's reply.
@Suite("SMTP faults at every stage")
struct SMTPFaultTests {
    /// (listener, what `last_error` must mention). `refused` is a port nobody listens on.
    static let temporaryFaults: [(String, String)] = [
        ("refused", "connect"), ("greeting-421", "421"), ("greeting-drop", ""), ("greeting-stall", "timeout"),
        ("ehlo-421", "421"), ("ehlo-drop", ""), ("mail-421", "421"), ("mail-drop", ""), ("rcpt-421", "421"),
        ("rcpt-drop", ""), ("data-421", "421"), ("data-drop", ""), ("body-drop", ""), ("dot-421", "421"),
        ("dot-drop", ""), ("dot-stall", "timeout"),
    ]

    @Test("a temporary fault defers the whole batch, marks nothing sent, and the retry delivers each message once",
          arguments: temporaryFaults)
    func temporaryFault(mode: String, mentions: String) async throws {
        let server = try FaultSMTPServer.fromEnvironment()
        let faultPort = mode == "refused" ? try HeraldProcess.freePort() : try server.port(mode)
        // Stalls must end in seconds, not RFC 5321's minutes.
        try await withHerald({ $0.delivery.smtpReplyTimeout = 5 }) { app in
            // given
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let organizationID = try admin.organization.requireID()
            try await MailFixtures.useSMTP(app, organizationID: organizationID, port: faultPort)
            let prefix = "\(mode)-\(UUID().uuidString.prefix(8))"
            let queued = try await MailFixtures.enqueue(app, organizationID: organizationID, count: 3, prefix: prefix)

            // when
            let report = try await app.herald.deliveryWorker.deliverOneBatch()

            // then
            #expect(report.deferred == 3 && report.sent == 0)
            let rows = try await OutboxMessage.query(on: app.db).all()
            for row in rows {
                #expect(row.status == .deferred, "\(row.status): \(row.lastError ?? "")")
                #expect(row.sentAt == nil)
                #expect(row.nextAttemptAt > Date(), "a retry is scheduled for later, not now")
                #expect(!(row.lastError ?? "").isEmpty)
                if !mentions.isEmpty { #expect((row.lastError ?? "").lowercased().contains(mentions), "\(row.lastError ?? "")") }
            }
            #expect(try server.acceptedCounts(recipientPrefix: prefix).isEmpty, "nothing was accepted by the faulty server")

            // when the server is healthy again and the retry is due
            try await MailFixtures.useSMTP(app, organizationID: organizationID, port: try server.port("accept"))
            try await app.db.sql.raw("UPDATE outbox_messages SET next_attempt_at = \(bind: Date())").run()
            let retry = try await app.herald.deliveryWorker.deliverUntilEmpty()

            // then every message arrives exactly once at the healthy server
            #expect(retry.sent == 3)
            #expect(try await MailFixtures.statuses(app) == [.sent: 3])
            let accepted = try server.acceptedCounts(recipientPrefix: prefix)
            #expect(accepted == Dictionary(uniqueKeysWithValues: queued.map { (FaultSMTPServer.bare($0.messageID), 1) }))
            // After the final dot the faulty server had the whole message: the only case where a recipient may see
            // it twice, identifiable by its Message-ID (RFC 5321 4.5.3.2.6 explains why no client can avoid it).
            let unacknowledged = try server.records(recipientPrefix: prefix).filter { $0.event == "unacknowledged" }
            #expect(mode.hasPrefix("dot-") ? unacknowledged.count >= 1 : unacknowledged.isEmpty)
        }
    }

    @Test("a 5xx after the final dot fails the message with the server's reply, and it is not tried again")
    func permanentAfterData() async throws {
        let server = try FaultSMTPServer.fromEnvironment()
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            try await MailFixtures.useSMTP(app, organizationID: try admin.organization.requireID(), port: try server.port("dot-554"))
            try await MailFixtures.enqueue(app, organizationID: admin.organization.id, count: 2, prefix: "dot554-\(UUID().uuidString.prefix(8))")
            // when
            let report = try await app.herald.deliveryWorker.deliverUntilEmpty()
            // then
            #expect(report.failed == 2 && report.sent == 0)
            let rows = try await OutboxMessage.query(on: app.db).all()
            #expect(rows.allSatisfy { $0.status == .failed && $0.sentAt == nil && $0.attempts == 1 })
            #expect(rows.allSatisfy { ($0.lastError ?? "").contains("554 5.7.1 fault injected: message refused") }, "\(rows.map(\.lastError))")
        }
    }
}

@testable import App
import Fluent
import Foundation
import LiveServerSupport
import Testing
import Vapor
import VaporTesting

/// Delivery through real SMTP servers on loopback: aiosmtpd (STARTTLS, AUTH) and Postfix's smtp-sink with faults.
@Suite("SMTP delivery against real servers")
struct SMTPDeliveryTests {
    @Test("a batch goes through STARTTLS and AUTH to aiosmtpd, byte for byte, and is marked sent")
    func batchThroughStartTLS() async throws {
        let servers = try LiveServers.fromEnvironment()
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            try await MailFixtures.useSMTP(app, organizationID: try admin.organization.requireID(), port: servers.startTLSPort, tls: "starttls",
                                           host: "localhost", caFile: servers.caFile, username: servers.username, password: servers.password)
            let prefix = "tls-\(UUID().uuidString.prefix(8))"
            let queued = try await MailFixtures.enqueue(app, organizationID: admin.organization.id, count: 25, prefix: prefix)
            // when
            let report = try await app.herald.deliveryWorker.deliverUntilEmpty()
            // then
            #expect(report.sent == 25)
            #expect(try await MailFixtures.statuses(app) == [.sent: 25])
            let received = try servers.received(by: "\(prefix)-7@example.com")
            #expect(received.count == 1)
            let original = try #require(queued.first { $0.recipients == "\(prefix)-7@example.com" })
            #expect(received.first?.replacingOccurrences(of: "\r\n", with: "\n") == String(decoding: OutboxReader.raw(original), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
        }
    }

    @Test("the test email reports each address; a wrong password is a clear refusal")
    func testEmailResults() async throws {
        let servers = try LiveServers.fromEnvironment()
        try await withHerald { app in
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            try await MailFixtures.useSMTP(app, organizationID: try admin.organization.requireID(), port: servers.startTLSPort, tls: "starttls",
                                           host: "localhost", caFile: servers.caFile, username: servers.username, password: servers.password)
            let good = try await app.herald.testEmail.send(to: "a@example.com; b@example.com", organization: admin.organization, on: app.db)
            #expect(good.map(\.accepted) == [true, true])
            #expect(good.allSatisfy { $0.detail.hasPrefix("250") })

            try await MailFixtures.useSMTP(app, organizationID: try admin.organization.requireID(), port: servers.startTLSPort, tls: "starttls",
                                           host: "localhost", caFile: servers.caFile, username: servers.username, password: "wrong-password")
            let refused = try await app.herald.testEmail.send(to: "a@example.com", organization: admin.organization, on: app.db)
            #expect(refused.first?.accepted == false)
            #expect(refused.first?.detail.contains("535") == true)
        }
    }

    @Test("STARTTLS required but not offered, and an untrusted certificate, are refused before any mail is sent")
    func tlsRefusals() async throws {
        let servers = try LiveServers.fromEnvironment()
        try await withHerald { app in
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            try await MailFixtures.useSMTP(app, organizationID: try admin.organization.requireID(), port: servers.plainPort, tls: "starttls")
            let noStartTLS = try await app.herald.testEmail.send(to: "a@example.com", organization: admin.organization, on: app.db)
            #expect(noStartTLS.first?.accepted == false)
            #expect(noStartTLS.first?.detail.lowercased().contains("starttls") == true)

            try await MailFixtures.useSMTP(app, organizationID: try admin.organization.requireID(), port: servers.startTLSPort, tls: "starttls", host: "localhost")
            let untrusted = try await app.herald.testEmail.send(to: "a@example.com", organization: admin.organization, on: app.db)
            #expect(untrusted.first?.accepted == false)
            #expect(untrusted.first?.detail.lowercased().contains("certificate") == true || untrusted.first?.detail.lowercased().contains("tls") == true)
        }
    }

    @Test("faults: soft rejects are deferred, hard rejects failed with the reply, a 421 disconnect deferred; nothing marked sent",
          arguments: [("soft", OutboxStatus.deferred, "4"), ("hard", .failed, "5"), ("data", .failed, "5"), ("disconnect", .deferred, "4")])
    func faults(kind: String, expectedStatus: OutboxStatus, replyClass: String) async throws {
        let servers = try LiveServers.fromEnvironment()
        let port = switch kind {
        case "soft": servers.softRejectPort
        case "hard": servers.hardRejectPort
        case "data": servers.dataRejectPort
        default: servers.disconnectPort
        }
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            try await MailFixtures.useSMTP(app, organizationID: try admin.organization.requireID(), port: port)
            try await MailFixtures.enqueue(app, organizationID: admin.organization.id, count: 4, prefix: "fault-\(kind)")
            // when
            _ = try await app.herald.deliveryWorker.deliverOneBatch()
            // then
            let rows = try await OutboxMessage.query(on: app.db).all()
            #expect(rows.count == 4)
            #expect(rows.allSatisfy { $0.status == expectedStatus }, "\(rows.map { "\($0.status): \($0.lastError ?? "")" })")
            #expect(rows.allSatisfy { $0.sentAt == nil })
            #expect(rows.allSatisfy { ($0.lastError ?? "").contains(" \(replyClass)") || ($0.lastError ?? "").hasPrefix(replyClass) || kind == "disconnect" })
            if expectedStatus == .deferred { #expect(rows.allSatisfy { $0.nextAttemptAt > Date() }) }
        }
    }
}

import App
import Fluent
import Foundation
import HeraldCore
import MIME
import Vapor

/// The delivery path, driven end to end by `Benchmarks/smtp-throughput`: queue N personalised invitation
/// messages as the product does, then let the real worker send them.
enum DeliveryBenchmark {
    struct Result: Sendable {
        let enqueueSeconds: Double
        let deliverSeconds: Double
        let sent: Int
        let notSent: Int
    }

    /// `dkim`: nil for unsigned mail, else the algorithm of the organization's active key for example.com.
    /// `invitations`: each message belongs to a join invitation, as in the product, so that recording it as sent
    /// also writes the invitation's `sent_at` and its history event (without: the outbox rows alone).
    static func run(app: Application, smtpHost: String, smtpPort: Int, count: Int, dkim: String? = nil, invitations: Bool = false) async throws -> Result {
        try await app.autoMigrate()
        let organization = Organization(name: "Benchmark")
        try await organization.create(on: app.db)
        let organizationID = try organization.requireID()
        // As the console's form sends it.
        let settings = try JSONDecoder().decode(MailSettingsInput.self, from: Data("""
            {"transport": "smtp", "server": "\(smtpHost):\(smtpPort)", "sender_address": "invitations@example.com",
             "sender_name": "Acme IT", "tls_mode": "none", "minimum_tls_version": "1.2", "verify_certificates": true,
             "requires_authentication": false}
            """.utf8))
        try await MailSettingsStore.save(settings, organizationID: organizationID, actor: .system, secretBox: app.herald.secretBox, on: app.db)

        if let dkim {
            let key = try await DKIMKeys.generate(.init(domain: "example.com", algorithm: dkim), organizationID: organizationID, actor: .system,
                                                  secretBox: app.herald.secretBox, on: app.db)
            try await DKIMKeys.activate(try key.requireID(), organizationID: organizationID, actor: .system, on: app.db)
        }

        let sender = Mailbox(address: try EmailAddress("invitations@example.com"), displayName: "Acme IT")
        let batchID = UUID()
        let enqueueStart = Date()
        for chunkStart in stride(from: 0, to: count, by: 5000) {
            let indexes = chunkStart..<min(count, chunkStart + 5000)
            let invitationIDs = try await invitations ? createInvitations(indexes, organizationID: organizationID, on: app.db) : [:]
            let mails = try indexes.map { index in
                OutgoingMail(organizationID: organizationID, invitationID: invitationIDs[index], batchID: batchID, message: MailMessage(
                    from: sender, to: [Mailbox(address: try EmailAddress("person\(index)@example.com"), displayName: "Person Nummer \(index)")],
                    subject: "Einladung: Acme wartet auf Sie, Person \(index)",
                    textBody: "Hello Person \(index),\n\nAcme IT invites you to join Acme.\nOpen https://herald.example.com/join/\(UUID().uuidString) to accept.\n\nThis link expires in 7 days.\n",
                    htmlBody: "<p>Hello Person \(index),</p><p>Acme IT invites you to join Acme.</p><p><a href=\"https://herald.example.com/join/\(UUID().uuidString)\">Accept the invitation</a></p>"
                ))
            }
            try await app.db.transaction { db in
                _ = try await app.herald.mailer.outbox.enqueue(mails, on: db)
            }
        }
        let deliverStart = Date()
        let report = try await app.herald.deliveryWorker.deliverUntilEmpty()
        let deliverEnd = Date()
        await app.herald.deliveryWorker.stop()
        let notSent = try await OutboxMessage.query(on: app.db).filter(\.$status != .sent).count()
        return Result(enqueueSeconds: deliverStart.timeIntervalSince(enqueueStart), deliverSeconds: deliverEnd.timeIntervalSince(deliverStart),
                      sent: report.sent, notSent: notSent)
    }

    /// Join invitations for people `indexes`, keyed by index.
    private static func createInvitations(_ indexes: Range<Int>, organizationID: UUID, on db: any Database) async throws -> [Int: UUID] {
        let invitations = indexes.map { index in
            let invitation = Invitation()
            invitation.id = UUID()
            invitation.$organization.id = organizationID
            invitation.kind = .join
            invitation.email = "person\(index)@example.com"
            invitation.language = "de"
            invitation.status = .pending
            invitation.expiresAt = Date().addingTimeInterval(7 * 86_400)
            return invitation
        }
        try await invitations.create(on: db)
        return Dictionary(uniqueKeysWithValues: zip(indexes, invitations.compactMap(\.id)))
    }
}

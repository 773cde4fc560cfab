@testable import App
import Fluent
import Foundation
import MIME
import Vapor

enum MailFixtures {
    /// Saves SMTP settings for the organization the way the console does.
    static func useSMTP(_ app: Application, organizationID: UUID, port: Int, tls: String = "none", host: String = "127.0.0.1",
                        caFile: String? = nil, username: String? = nil, password: String? = nil) async throws {
        let input = MailSettingsInput(
            transport: "smtp", server: "\(host):\(port)", sender_address: "herald@example.com", sender_name: "Herald Tests",
            tls_mode: tls, minimum_tls_version: "1.2", verify_certificates: true,
            ca_certificate: try caFile.map { try String(contentsOfFile: $0, encoding: .utf8) },
            requires_authentication: username != nil, username: username, password: password
        )
        let problems = input.problems(servers: .anyServer)
        precondition(problems.isEmpty, "\(problems)")
        try await MailSettingsStore.save(input, organizationID: organizationID, actor: .system, secretBox: app.herald.secretBox, on: app.db)
    }

    /// Queues `count` personalised messages to `<prefix>-<n>@example.com`.
    @discardableResult
    static func enqueue(_ app: Application, organizationID: UUID?, count: Int, prefix: String, batchID: UUID? = nil) async throws -> [OutboxMessage] {
        let mails = try (0..<count).map { index in
            OutgoingMail(organizationID: organizationID, batchID: batchID, message: MailMessage(
                from: Mailbox(address: try EmailAddress("herald@example.com"), displayName: "Herald"),
                to: [Mailbox(address: try EmailAddress("\(prefix)-\(index)@example.com"), displayName: "Person \(index)")],
                subject: "Invitation \(index) for \(prefix)", textBody: "Hello Person \(index),\n.\nA line starting with a dot.\n"
            ))
        }
        return try await app.herald.mailer.outbox.enqueue(mails, on: app.db)
    }

    static func statuses(_ app: Application) async throws -> [OutboxStatus: Int] {
        try await OutboxMessage.query(on: app.db).all().reduce(into: [:]) { $0[$1.status, default: 0] += 1 }
    }
}

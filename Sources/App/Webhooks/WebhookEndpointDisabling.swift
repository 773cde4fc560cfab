import Fluent
import Foundation
import MIME
import SQLKit

/// Counts an endpoint's failed attempts in a row and switches it off after a long run of them, telling the
/// organization's Account Administrators by email (through the mail outbox, in the same transaction).
struct WebhookEndpointDisabling: Sendable {
    let settings: WebhookSettings
    let mailer: Mailer

    func count(_ acknowledged: Bool, endpoint: WebhookEndpoint, on db: any Database, now: Date) async throws {
        let sql = try db.sql
        let endpointID = try endpoint.requireID()
        if acknowledged {
            try await sql.raw("""
                UPDATE webhook_endpoints SET failure_streak = 0, failing_since = NULL WHERE id = \(bind: endpointID) AND failure_streak > 0
                """).run()
            return
        }
        let cutoff = now.addingTimeInterval(-settings.disableAfterFailingFor)
        // One statement counts the failure and, when the run is long enough in attempts and in time, switches the
        // endpoint off; RETURNING says whether this statement was the one that did (so one email, one audit event).
        let rows = try await sql.raw("""
            UPDATE webhook_endpoints
            SET failure_streak = failure_streak + 1, failing_since = COALESCE(failing_since, \(bind: now)),
                enabled = CASE WHEN failure_streak + 1 >= \(bind: settings.disableAfterFailures)
                                AND COALESCE(failing_since, \(bind: now)) <= \(bind: cutoff) THEN \(bind: false) ELSE enabled END
            WHERE id = \(bind: endpointID)
            RETURNING enabled, failure_streak
            """).all()
        guard let row = rows.first, try row.decode(column: "enabled", as: Bool.self) == false, endpoint.enabled else { return }
        let failures = try row.decode(column: "failure_streak", as: Int.self)
        let reason = "\(failures) failed attempts in a row"
        // Only the transaction that turned it off records it: a second lane finds it off already.
        let switched = try await sql.raw("""
            UPDATE webhook_endpoints SET disabled_reason = \(bind: reason) WHERE id = \(bind: endpointID) AND disabled_reason IS NULL RETURNING id
            """).all()
        guard !switched.isEmpty else { return }
        let organizationID = endpoint.$organization.id
        try await AuditLog.record(on: db, organizationID: organizationID, actor: .system, action: .webhookEndpointDisabled,
                                  targetType: "webhook_endpoint", targetID: endpointID, targetLabel: endpoint.url, details: reason)
        try await tellAdministrators(endpoint: endpoint, failures: failures, organizationID: organizationID, on: db)
    }

    private func tellAdministrators(endpoint: WebhookEndpoint, failures: Int, organizationID: UUID, on db: any Database) async throws {
        guard let organization = try await Organization.find(organizationID, on: db) else { return }
        let administrators = try await Membership.query(on: db).filter(\.$organization.$id == organizationID)
            .filter(\.$role == .administrator).filter(\.$status == .active).with(\.$account).all()
        guard !administrators.isEmpty else { return }
        let catalog = try await mailer.catalog(for: organizationID, on: db)
        let sender = try await MailComposer.sender(for: organizationID, on: db)
        let mails = try administrators.map { membership in
            let account = membership.account
            let language = Language(code: account.language ?? "en") ?? .en
            let arguments = ["organization": organization.name, "name": account.name, "url": endpoint.url, "failures": String(failures)]
            let content = EmailContent(
                subject: catalog.text("webhook.disabled.subject", language, arguments),
                greeting: catalog.text("email.greeting", language, arguments),
                paragraphs: [catalog.text("webhook.disabled.body", language, arguments)],
                footer: catalog.text("mail.footer", language, arguments)
            )
            return mailer.composer.mail(content, from: sender, to: Mailbox(address: try EmailAddress(account.email), displayName: account.name),
                                        organizationID: organizationID)
        }
        // Counted in the daily quota but never refused by it, like member notices.
        try await mailer.outbox.enqueue(mails, on: db, withinQuota: false)
    }
}

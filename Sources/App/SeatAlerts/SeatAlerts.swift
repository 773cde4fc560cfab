import Fluent
import Foundation
import HeraldCore
import MIME
import SQLKit

/// Emails a key's administrators when its seat use crosses 80 % or 100 %, when its pending invitations come to
/// outnumber its free seats, and 30 and 7 days before it expires (`SeatAlert`), once per crossing.
///
/// `check` runs in the transaction of the change: `SeatLock` calls it after every activation, deactivation, lapse
/// and resumption, `InstallInvitationBatch` after invitations are sent, `ExpiryWarnings` for keys nearing their
/// expiry. Each crossing is recorded with `INSERT ... ON CONFLICT DO NOTHING` on a unique (key, alert) pair, and
/// only the transaction whose insert added the row queues the emails: concurrent activations and several Herald
/// instances on one PostgreSQL cannot send an alert twice, and a rolled-back change sends none.
struct SeatAlerts: Sendable {
    let mailer: Mailer
    /// The console address the emails link to.
    let publicURL: URL
    /// When the check runs: expiry warnings and pending invitations depend on it; tests move it.
    let clock: any WallClock

    /// Records the alerts that crossed, re-arms those whose condition no longer holds, and queues the emails and
    /// webhook events. True when mail was queued (wake the delivery worker after the commit).
    @discardableResult
    ///
    /// `invitationsAgainstFreeSeatsUnchanged` (`SeatChange`): the "invitations outnumber free seats" alert keeps the
    /// state recorded for it, and the pending invitations are counted only if an email or event is to say how many.
    func check(keyID: UUID, invitationsAgainstFreeSeatsUnchanged: Bool = false, on db: any Database) async throws -> Bool {
        let now = clock.now
        guard let key = try await LicenseKey.find(keyID, on: db) else { return false }
        let used = try await LicenseKeyStore.usedSeats(keyID: keyID, on: db)
        let pending = { try await PendingInstallInvitations.count(keyID: keyID, now: now, on: db) }
        let recorded = Set(try await SeatAlertRecord.query(on: db).filter(\.$licenseKey.$id == keyID).all().map(\.alert))
        var usage = SeatUsage(seats: key.seats, used: used, invited: invitationsAgainstFreeSeatsUnchanged ? 0 : try await pending())
        var holding = SeatAlert.holding(usage: usage, expiresAt: key.expiresAt, now: now)
        if invitationsAgainstFreeSeatsUnchanged {
            holding.remove(.invitationsOverFree)
            if recorded.contains(.invitationsOverFree) { holding.insert(.invitationsOverFree) }
        }
        let rearmed = recorded.subtracting(holding)
        if !rearmed.isEmpty {
            try await SeatAlertRecord.query(on: db).filter(\.$licenseKey.$id == keyID).filter(\.$alert ~~ Array(rearmed)).delete()
        }
        var crossed: Set<SeatAlert> = []
        for alert in holding.subtracting(recorded).sorted(by: { $0.rawValue < $1.rawValue }) {
            if try await Self.record(alert, keyID: keyID, details: Self.details(alert, usage: usage, key: key), now: now, on: db) {
                crossed.insert(alert)
            }
        }
        let send = SeatAlert.toSend(newlyCrossed: crossed)
        guard !send.isEmpty else { return false }
        if invitationsAgainstFreeSeatsUnchanged { usage = SeatUsage(seats: key.seats, used: used, invited: try await pending()) }
        try await notify(send, key: key, usage: usage, now: now, on: db)
        return true
    }

    /// True when this transaction added the row: the one that sends.
    private static func record(_ alert: SeatAlert, keyID: UUID, details: String, now: Date, on db: any Database) async throws -> Bool {
        let inserted = try await db.sql.insert(into: SeatAlertRecord.schema)
            .columns("id", "license_key_id", "alert", "details", "crossed_at")
            .values(SQLBind(UUID()), SQLBind(keyID), SQLBind(alert.rawValue), SQLBind(details), SQLBind(now))
            .ignoringConflicts(with: ["license_key_id", "alert"])
            .returning("id").all()
        return !inserted.isEmpty
    }

    private static func details(_ alert: SeatAlert, usage: SeatUsage, key: LicenseKey) -> String {
        switch alert {
        case .seatsNearLimit, .seatsFull: "\(usage.used) of \(usage.seats) seats in use"
        case .invitationsOverFree: "\(usage.invited) pending invitation(s), \(usage.free) free seat(s)"
        case .expiresIn30Days, .expiresIn7Days: "expires \(DisplayDate.expiry(key.expiresAt))"
        }
    }

    private func notify(_ alerts: [SeatAlert], key: LicenseKey, usage: SeatUsage, now: Date, on db: any Database) async throws {
        let keyID = try key.requireID()
        let organizationID = key.$organization.id
        guard let organization = try await Organization.find(organizationID, on: db) else { return }
        let recipients = try await SeatAlertRecipients.of(key: key, on: db)
        let catalog = try await mailer.catalog(for: organizationID, on: db)
        let sender = try await MailComposer.sender(for: organizationID, on: db)
        let facts = SeatAlertEmail.Facts(
            organization: organization.name, keyName: key.name, product: key.product, usage: usage, expiresAt: key.expiresAt,
            keyURL: publicURL.appendingPathComponent("console/licenses/\(keyID.uuidString)").absoluteString
        )
        var mails: [OutgoingMail] = []
        for alert in alerts {
            for account in recipients {
                // Addresses were checked when the accounts were made; one that no longer parses must not stop the activation.
                guard let address = try? EmailAddress(account.email) else { continue }
                let language = Language(code: account.language ?? "en") ?? .en
                let content = SeatAlertEmail.content(alert, facts, language: language, catalog: catalog)
                mails.append(mailer.composer.mail(content, from: sender, to: Mailbox(address: address, displayName: account.name),
                                                  organizationID: organizationID))
            }
            try await AuditLog.record(
                on: db, organizationID: organizationID, actor: .system,
                action: alert.isExpiryWarning ? .licenseExpiryWarningSent : .licenseSeatAlertSent,
                targetType: "license_key", targetID: keyID, targetLabel: key.name,
                details: "\(alert.rawValue): \(Self.details(alert, usage: usage, key: key)); emailed \(recipients.count) administrator(s)"
            )
            if let type = Self.webhookType(alert) {
                try await WebhookEvents.emit(type, organizationID: organizationID, on: db, now: now) {
                    WebhookPayload.Seats(licenseKeyId: keyID, seats: usage.seats, seatsUsed: usage.used, invited: usage.invited)
                }
            }
        }
        // Never refused by the daily quota: an alert is about the administrators' own key, and refusing it would
        // roll back the activation it rides on.
        try await mailer.outbox.enqueue(mails, on: db, now: now, withinQuota: false)
    }

    private static func webhookType(_ alert: SeatAlert) -> WebhookEventType? {
        switch alert {
        case .seatsNearLimit: .seatsNearLimit
        case .seatsFull: .seatsFull
        case .invitationsOverFree, .expiresIn30Days, .expiresIn7Days: nil
        }
    }
}

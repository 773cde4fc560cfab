import Fluent
import Foundation
import HeraldCore
import Logging
import MIME
import SQLKit

/// Reminds people of pending join and install invitations before they expire, at the days each organization chose
/// per kind (`SuppressionPolicy.reminderDays`), in a task of its own (`herald serve`) every 15 minutes.
///
/// At most one reminder per step per invitation, however many Herald instances run rounds at once: a round first
/// inserts the (invitation, step) row with `ON CONFLICT DO NOTHING … RETURNING`, in the same transaction that queues
/// the email, and mails only the rows it got back. A step passed while a later one is due (a round missed, or an
/// invitation made with less time left than the step) is claimed without an email, so a person never gets two
/// reminders at once. Suppressed addresses are claimed and not mailed.
struct InvitationReminders: Sendable {
    static let interval: TimeInterval = 15 * 60
    /// Invitations claimed per transaction.
    static let batchSize = 200

    let mailer: Mailer
    let configuration: Configuration
    let secrets: InstallInvitationSecrets

    /// One round; returns how many reminders were queued.
    @discardableResult
    func remind(now: Date, on db: any Database) async throws -> Int {
        let horizon = now.addingTimeInterval(Double(SuppressionPolicy.reminderDayRange.upperBound) * 86_400)
        let organizations = try await Invitation.query(on: db).filter(\.$status == .pending)
            .filter(\.$kind ~~ SuppressionPolicy.remindedKinds).filter(\.$expiresAt > now).filter(\.$expiresAt <= horizon)
            .unique().field(\.$organization.$id).all().map(\.$organization.id)
        var sent = 0
        for organizationID in Set(organizations) {
            let policy = try await SuppressionPolicy.load(organizationID: organizationID, on: db)
            for kind in SuppressionPolicy.remindedKinds {
                // The nearest step first: an invitation it claims is then past the farther ones.
                for step in (policy.reminderDays[kind] ?? []).sorted() {
                    while true {
                        let (claimed, mailed) = try await db.transaction { db in
                            try await remindBatch(organizationID: organizationID, kind: kind, step: step, now: now, on: db)
                        }
                        sent += mailed
                        if claimed < Self.batchSize { break }
                    }
                }
            }
        }
        if sent > 0 { mailer.wakeDelivery() }
        return sent
    }

    /// Claims up to `batchSize` invitations due for `step` and without a reminder at this or a nearer step; queues
    /// the emails of those it got. Returns (claimed, mailed).
    private func remindBatch(organizationID: UUID, kind: InvitationKind, step: Int, now: Date, on db: any Database) async throws -> (Int, Int) {
        let dueBy = now.addingTimeInterval(Double(step) * 86_400)
        let candidates = try await db.sql.raw("""
            SELECT i.id FROM \(ident: Invitation.schema) i
            WHERE i.organization_id = \(bind: organizationID) AND i.kind = \(bind: kind.rawValue) AND i.status = 'pending'
              AND i.expires_at > \(bind: now) AND i.expires_at <= \(bind: dueBy)
              AND NOT EXISTS (SELECT 1 FROM \(ident: InvitationReminder.schema) r WHERE r.invitation_id = i.id AND r.step <= \(bind: step))
            LIMIT \(literal: Self.batchSize)
            """).all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !candidates.isEmpty else { return (0, 0) }
        let claimed = try await claim(candidates, step: step, now: now, on: db)
        guard !claimed.isEmpty else { return (candidates.count, 0) }
        let invitations = try await Invitation.query(on: db).filter(\.$id ~~ claimed).all()
        guard let organization = try await Organization.find(organizationID, on: db) else { return (candidates.count, 0) }
        let suppressed = try await Suppressions.suppressed(organizationID: organizationID, among: invitations.map { $0.email.lowercased() }, on: db)
        let emails = ReminderEmail(catalog: try await mailer.catalog(for: organizationID, on: db), configuration: configuration, secrets: secrets)
        let sender = try await MailComposer.sender(for: organizationID, on: db)
        var mails: [OutgoingMail] = []
        var reminded: [Invitation] = []
        for invitation in invitations where Self.stepApplies(invitation, step: step) && !suppressed.contains(invitation.email.lowercased()) {
            guard let content = try await emails.content(invitation, organization: organization, on: db),
                  let address = try? EmailAddress(invitation.email) else { continue }
            mails.append(mailer.composer.mail(content, from: sender, to: Mailbox(address: address), organizationID: organizationID,
                                              invitationID: invitation.id))
            reminded.append(invitation)
        }
        guard !mails.isEmpty else { return (candidates.count, 0) }
        // Reminders are counted against the daily quota but never refused by it: a refusal would roll back the
        // claims and the next round would try again and again.
        try await mailer.outbox.enqueue(mails, on: db, now: now, withinQuota: false)
        try await InvitationHistory.record(.reminded, invitations: reminded.compactMap { invitation in invitation.id.map { ($0, organizationID) } },
                                           detail: "\(step) day(s) before expiry", on: db, at: now)
        try await WebhookEvents.emit(.invitationReminded, eachOf: reminded, organizationID: organizationID, on: db, now: now)
        return (candidates.count, mails.count)
    }

    /// A step applies to an invitation that was sent before the step's moment: one made with two days' validity
    /// is not reminded "three days before" the moment it is made.
    static func stepApplies(_ invitation: Invitation, step: Int) -> Bool {
        let moment = invitation.expiresAt.addingTimeInterval(-Double(step) * 86_400)
        return (invitation.createdAt ?? moment) < moment
    }

    /// Inserts the (invitation, step) rows; returns the invitations whose row this call inserted.
    private func claim(_ ids: [UUID], step: Int, now: Date, on db: any Database) async throws -> [UUID] {
        let rows = try await db.sql.raw("""
            INSERT INTO \(ident: InvitationReminder.schema) (id, invitation_id, step, reminded_at)
            VALUES \(SQLList(ids.map { SQLQueryString("(\(bind: UUID()), \(bind: $0), \(bind: step), \(bind: now))") }))
            ON CONFLICT (invitation_id, step) DO NOTHING
            RETURNING invitation_id
            """).all()
        return try rows.map { try $0.decode(column: "invitation_id", as: UUID.self) }
    }
}

/// Runs `InvitationReminders` every `interval` in `herald serve`.
final class InvitationReminderTask: Sendable {
    private let task = PeriodicTask()

    func start(reminders: InvitationReminders, clock: any WallClock, database: any Database, logger: Logger) {
        task.start(every: InvitationReminders.interval, name: "invitation reminders", logger: logger) {
            try await reminders.remind(now: clock.now, on: database)
        }
    }

    func stop() async { await task.stop() }
}

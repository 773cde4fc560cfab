import Fluent
import Foundation
import HeraldCore
import MIME
import Vapor

/// Inviting people to join the organization: one row and one email per person, written in slices.
struct JoinInvitations {
    struct Request: Sendable {
        var recipients: RecipientList
        var language: Language = .en
        var message: String?
        var role: MembershipRole = .member
        var expiresInDays = WholeNumber<InvitationValidityDays>(default: 7)
        /// The directory group each address came from, for addresses reached only through groups.
        var groupOrigins: [String: String] = [:]
        /// Directory groups were chosen (then an empty list is theirs to explain, not the typed addresses').
        var groupsChosen = false
    }

    /// What happened to one line of the input.
    struct RowResult: Content, Equatable {
        enum Outcome: String, Codable, Sendable {
            case invited, alreadyMember = "already_member", alreadyInvited = "already_invited", blocked, invalid, duplicate, suppressed
        }
        let line: Int?
        let email: String
        let outcome: Outcome
        let detail: String?
        /// The directory group that reached the address, when it was not typed.
        var group: String? = nil
    }

    static let maximumExpiryDays = InvitationValidityDays.range.upperBound
    static let maximumMessageLength = 2000

    let mailer: Mailer
    /// The links in the emails.
    let configuration: Configuration
    /// Seals each link token into its invitation's payload for reminders; nil (tests of the invitation alone) keeps none.
    var linkBox: SecretBox? = nil

    /// Validates the request's own fields (not the recipients), naming each bad one.
    static func problems(_ request: Request) -> [String] {
        var problems: [String] = []
        if let message = request.message, message.count > maximumMessageLength {
            problems.append("message: must be at most \(maximumMessageLength) characters")
        }
        if let problem = SafeText.fieldProblem(request.message, field: "message", .multiLine) { problems.append(problem) }
        if request.recipients.recipients.isEmpty && request.recipients.errors.isEmpty {
            problems.append(request.groupsChosen ? "groups: the chosen groups reach nobody enabled"
                                                 : "emails: enter at least one email address or choose a group")
        }
        return problems
    }

    /// Invitations written per transaction.
    static let sliceSize = 500

    func invite(_ request: Request, organization: Organization, inviter: Account?, actor: AuditActor, on db: any Database, now: Date = Date()) async throws -> [RowResult] {
        var results = request.recipients.errors.map { error in
            RowResult(line: error.line, email: "", outcome: error.isDuplicate ? .duplicate : .invalid, detail: error.description)
        }
        let organizationID = try organization.requireID()
        let emails = request.recipients.recipients.map(\.address.normalized)
        let members = try await memberStatuses(organizationID: organizationID, emails: emails, on: db)
        let pending = try await pendingInvitations(organizationID: organizationID, emails: emails, now: now, on: db)
        let suppressed = try await Suppressions.suppressed(organizationID: organizationID, among: emails, on: db)
        let sender = try await MailComposer.sender(for: organizationID, on: db)
        let catalog = try await mailer.catalog(for: organizationID, on: db)
        let batchID = UUID()
        var toCreate: [(line: Int, address: EmailAddress)] = []
        func row(_ line: Int, _ address: EmailAddress, _ outcome: RowResult.Outcome, _ detail: String?) -> RowResult {
            let group = request.groupOrigins[address.normalized]
            return RowResult(line: group == nil ? line : nil, email: address.description, outcome: outcome, detail: detail, group: group)
        }
        for (line, address) in request.recipients.recipients {
            switch members[address.normalized] {
            case .active?: results.append(row(line, address, .alreadyMember, nil))
            case .blocked?: results.append(row(line, address, .blocked, "unblock the member instead"))
            default:
                if suppressed.contains(address.normalized) {
                    results.append(row(line, address, .suppressed, Suppressions.refusal(address.normalized)))
                } else if pending.contains(address.normalized) {
                    results.append(row(line, address, .alreadyInvited, "a pending invitation exists: resend it instead"))
                } else {
                    toCreate.append((line, address))
                }
            }
        }
        let creating = toCreate
        // A pending invitation past its expiry no longer blocks a new one: store the status it already has,
        // so the partial unique index on pending invitations admits the new row.
        try await Invitation.query(on: db).filter(\.$organization.$id == organizationID)
            .filter(\.$kind == .join).filter(\.$status == .pending)
            .filter(\.$expiresAt <= now).set(\.$status, to: .expired).update()
        // The whole list against the daily quota before the first slice: refused as a whole, never half-sent.
        try await mailer.outbox.quota.reserve(creating.count, organizationID: organizationID, now: now, on: db)
        // Written in slices, each its own transaction (invitations, audit rows and their outbox messages together):
        // one transaction for 10,000 addresses held SQLite's single writer for half a minute and every other
        // organization's write waited behind it. If a slice fails, the slices before stay sent; inviting the same
        // list again reports them as already invited and sends the rest.
        for slice in creating.chunked(Self.sliceSize) { try await db.transaction { db in
            var mails: [OutgoingMail] = []
            var queued: [(id: UUID, organizationID: UUID)] = []
            let listeners = try await WebhookEvents.listeners(organizationID: organizationID, on: db)
            // Made first and inserted in one statement each (invitations, then audit events): a row at a time was a
            // thousand round trips per slice, minutes for 3,000 people on a busy PostgreSQL.
            var invitations: [(invitation: Invitation, token: String, address: EmailAddress)] = []
            invitations.reserveCapacity(slice.count)
            for (_, address) in slice {
                let token = TokenGenerator.newToken()
                let invitation = Invitation()
                invitation.id = UUID()
                invitation.$organization.id = organizationID
                invitation.$inviter.id = inviter?.id
                invitation.batchID = batchID
                invitation.kind = .join
                invitation.email = address.normalized
                invitation.language = request.language.rawValue
                invitation.status = .pending
                invitation.tokenHash = TokenGenerator.hash(token)
                invitation.roleOnAccept = request.role
                invitation.message = request.message.map { SafeText.scrubbed($0, .multiLine) }?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
                invitation.expiresAt = now.addingTimeInterval(TimeInterval(request.expiresInDays.value) * 86_400)
                // The validity, so that a resend restarts the one the administrator chose; the link token sealed,
                // so that a reminder can carry the same link (`InvitationReminders`).
                invitation.payload = try Self.payload(validDays: request.expiresInDays.value, token: token, box: linkBox)
                invitations.append((invitation, token, address))
            }
            try await invitations.map(\.invitation).create(on: db)
            var events: [AuditEvent] = []
            for (invitation, token, address) in invitations {
                queued.append((try invitation.requireID(), organizationID))
                let content = JoinInvitationEmail(catalog: catalog, configuration: configuration)
                    .content(invitation: invitation, token: token, organization: organization, inviter: inviter)
                mails.append(mailer.composer.mail(content, from: sender, to: Mailbox(address: address), organizationID: organizationID,
                                                    invitationID: invitation.id, batchID: batchID))
                events.append(AuditLog.event(organizationID: organizationID, actor: actor, action: .joinInvitationSent,
                                             targetType: "invitation", targetID: invitation.id, targetLabel: address.normalized,
                                             details: "role: \(request.role.title), language: \(request.language.rawValue)"))
                try await listeners.emit(.invitationCreated, on: db, now: now) { WebhookPayload.Invitation(invitation) }
            }
            try await AuditLog.record(events, on: db)
            try await mailer.outbox.enqueue(mails, on: db, withinQuota: false)
            try await InvitationHistory.record(.queued, invitations: queued, on: db, at: now)
        } }
        results += creating.map { row($0.line, $0.address, .invited, nil) }
        mailer.wakeDelivery()
        // Typed lines in their order, then the addresses the groups reached.
        return results.sorted { ($0.group == nil ? 0 : 1, $0.line ?? 0) < ($1.group == nil ? 0 : 1, $1.line ?? 0) }
    }

    private func memberStatuses(organizationID: UUID, emails: [String], on db: any Database) async throws -> [String: MembershipStatus] {
        guard !emails.isEmpty else { return [:] }
        var statuses: [String: MembershipStatus] = [:]
        for chunk in emails.chunked(500) {
            let rows = try await Membership.query(on: db).filter(\.$organization.$id == organizationID)
                .join(Account.self, on: \Membership.$account.$id == \Account.$id)
                .filter(Account.self, \.$email ~~ Array(chunk)).all()
            for row in rows { statuses[try row.joined(Account.self).email] = row.status }
        }
        return statuses
    }

    private func pendingInvitations(organizationID: UUID, emails: [String], now: Date, on db: any Database) async throws -> Set<String> {
        var pending: Set<String> = []
        for chunk in emails.chunked(500) {
            let rows = try await Invitation.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$kind == .join).filter(\.$status == .pending)
                .filter(\.$expiresAt > now).filter(\.$email ~~ Array(chunk)).all()
            pending.formUnion(rows.map(\.email))
        }
        return pending
    }
}

extension RecipientListError {
    var isDuplicate: Bool {
        if case .duplicate = reason { return true }
        return false
    }
}

import Fluent
import Foundation
import HeraldCore
import Metrics
import SQLKit

/// A bounce as recorded, handed to the suppression decision.
struct RecordedBounce: Sendable, Equatable {
    let organizationID: UUID
    let invitationID: UUID?
    let outboxMessageID: UUID?
    let address: String
    let kind: BounceKind
    let statusCode: String?
    let reason: String
    let receivedAt: Date
}

/// What happens to an address after it bounced is decided behind this one call, made in the transaction that records
/// the bounce: `SuppressionListOnBounce` in Herald.
protocol BounceSuppression: Sendable {
    func addressBounced(_ bounce: RecordedBounce, on db: any Database) async throws
}

/// A bounce goes on the organization's suppression list (hard at once, soft after the organization's threshold:
/// `Suppressions.recordBounce`) and into its invitation's history.
struct SuppressionListOnBounce: BounceSuppression {
    func addressBounced(_ bounce: RecordedBounce, on db: any Database) async throws {
        let isHard = bounce.kind == .hard
        let reason = [bounce.statusCode, bounce.reason].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        _ = try await Suppressions.recordBounce(organizationID: bounce.organizationID, address: bounce.address, isHard: isHard,
                                               reason: reason, on: db, now: bounce.receivedAt)
        if let invitationID = bounce.invitationID {
            try await InvitationHistory.recordBounce(invitationID: invitationID, isHard: isHard, reason: reason, on: db, at: bounce.receivedAt)
        }
    }
}

/// Ties a parsed bounce to the message it is about and records it: the bounce row, a hard bounce's invitation
/// marked `bounced` with the server's reason, `invitation.bounced` for the organization's webhooks, the suppression
/// decision (`BounceSuppression`), all in one transaction; then `herald_bounces_total{kind}`.
///
/// Tying it, in order of trust:
/// 1. the VERP token in the address the report came back to (`VERPAddress`: HMAC-checked, so a forged bounce cannot
///    name a message it has not seen);
/// 2. the returned Message-ID together with the bounced address, which must be one of that message's recipients.
/// Either way the message must belong to the organization whose mailbox the bounce came from.
struct BounceRecorder: Sendable {
    let verp: VERPAddress
    var suppression: any BounceSuppression = SuppressionListOnBounce()

    /// Longest reason kept: a Diagnostic-Code is a line or two; a server quoting the whole message is cut.
    static let longestReason = 1000

    struct Message {
        let id: UUID
        let invitationID: UUID?
        let recipients: [String]
        let matchedBy: String
    }

    /// Records every bounced recipient of `report` that belongs to a message of `organizationID`; returns them
    /// (empty when the report names no message of the organization, or was recorded before).
    @discardableResult
    func record(_ report: BounceReport, organizationID: UUID, on db: any Database, now: Date = Date()) async throws -> [RecordedBounce] {
        let recorded = try await db.transaction { db -> [RecordedBounce] in
            var recorded: [RecordedBounce] = []
            for recipient in report.recipients {
                guard let kind = recipient.kind, let address = recipient.address,
                      let message = try await message(for: report, address: address, organizationID: organizationID, on: db) else { continue }
                let bounce = RecordedBounce(
                    organizationID: organizationID, invitationID: message.invitationID, outboxMessageID: message.id,
                    address: String(SafeText.scrubbed(address).prefix(320)), kind: kind, statusCode: recipient.status,
                    reason: String(SafeText.scrubbed(recipient.reason).prefix(Self.longestReason)), receivedAt: now)
                guard try await !alreadyRecorded(bounce, on: db) else { continue }
                try await store(bounce, matchedBy: message.matchedBy, on: db)
                try await suppression.addressBounced(bounce, on: db)
                recorded.append(bounce)
            }
            return recorded
        }
        for bounce in recorded { Counter(label: HeraldMetrics.Name.bounces, dimensions: [("kind", bounce.kind.rawValue)]).increment() }
        return recorded
    }

    func message(for report: BounceReport, address: String, organizationID: UUID, on db: any Database) async throws -> Message? {
        if let id = report.reportAddresses.lazy.compactMap(verp.messageID(in:)).first,
           let found = try await OutboxMessage.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID).first() {
            return Message(id: id, invitationID: found.$invitation.id, recipients: found.recipientList, matchedBy: "verp")
        }
        guard let messageID = report.originalMessageID else { return nil }
        // Stored as rendered, in angle brackets; the parser returns it without them.
        let candidates = try await OutboxMessage.query(on: db).filter(\.$messageID ~~ ["<\(messageID)>", messageID])
            .filter(\.$organization.$id == organizationID).all()
        let wanted = address.lowercased()
        guard let found = candidates.first(where: { $0.recipientList.contains { $0.lowercased() == wanted } }) else { return nil }
        return Message(id: try found.requireID(), invitationID: found.$invitation.id, recipients: found.recipientList, matchedBy: "recipient")
    }

    /// A bounce read twice (a poll cut off before QUIT deleted it) is recorded once.
    func alreadyRecorded(_ bounce: RecordedBounce, on db: any Database) async throws -> Bool {
        var query = BounceRecord.query(on: db).filter(\.$organization.$id == bounce.organizationID)
            .filter(\.$address == bounce.address).filter(\.$kind == bounce.kind)
        query = bounce.outboxMessageID.map { query.filter(\.$outboxMessageID == $0) } ?? query
        query = bounce.statusCode.map { query.filter(\.$statusCode == $0) } ?? query
        return try await query.first() != nil
    }

    func store(_ bounce: RecordedBounce, matchedBy: String, on db: any Database) async throws {
        let row = BounceRecord()
        row.id = UUID.timeOrdered(now: bounce.receivedAt)
        row.$organization.id = bounce.organizationID
        row.outboxMessageID = bounce.outboxMessageID
        row.invitationID = bounce.invitationID
        row.address = bounce.address
        row.kind = bounce.kind
        row.statusCode = bounce.statusCode
        row.reason = bounce.reason
        row.matchedBy = matchedBy
        row.receivedAt = bounce.receivedAt
        try await row.create(on: db)
        guard let invitationID = bounce.invitationID, let invitation = try await Invitation.find(invitationID, on: db) else { return }
        // A hard bounce ends a pending invitation: the person never got the link or code. One that was accepted
        // meanwhile (through a link forwarded before the bounce came back) stays accepted.
        if bounce.kind == .hard {
            let updated = try await db.sql.raw("""
                UPDATE \(ident: Invitation.schema) SET status = \(bind: InvitationStatus.bounced), bounced_at = \(bind: bounce.receivedAt),
                    bounce_reason = \(bind: bounce.reason), updated_at = \(bind: bounce.receivedAt)
                WHERE id = \(bind: invitationID) AND status = \(bind: InvitationStatus.pending)
                RETURNING id
                """).all()
            if !updated.isEmpty {
                invitation.status = .bounced
                invitation.bouncedAt = bounce.receivedAt
                invitation.bounceReason = bounce.reason
            }
        }
        try await WebhookEvents.emit(.invitationBounced, organizationID: bounce.organizationID, on: db, now: bounce.receivedAt) {
            WebhookPayload.InvitationBounced(invitation, bounce: bounce)
        }
    }
}

extension OutboxMessage {
    var recipientList: [String] { recipients.split(separator: ",").map(String.init) }
}

import Fluent
import Foundation
import MIME
import SQLKit
import Vapor

/// Changes to a membership: role, block, unblock, remove, leave, license-key grants. Every change keeps the
/// organization with at least one active Account Administrator, is audited, and (for block and remove)
/// tells the person by email, all in one transaction.
struct MembershipChanges {
    /// Tells a blocked or removed person.
    let mailer: Mailer
    let organizationID: UUID
    let actor: AuditActor

    enum Change: String {
        case promote, demote, block, unblock, remove, leave

        var auditAction: AuditAction {
            switch self {
            case .promote: .memberPromoted
            case .demote: .memberDemoted
            case .block: .memberBlocked
            case .unblock: .memberUnblocked
            case .remove: .memberRemoved
            case .leave: .memberLeft
            }
        }

        /// Leaving is announced as a removal whose status says `left`.
        var webhookEvent: WebhookEventType {
            switch self {
            case .promote: .memberPromoted
            case .demote: .memberDemoted
            case .block: .memberBlocked
            case .unblock: .memberUnblocked
            case .remove, .leave: .memberRemoved
            }
        }
    }

    func apply(_ change: Change, to membershipID: UUID, note: String? = nil, on db: any Database) async throws -> Membership {
        if let note, note.count > 1000 { throw Abort(.badRequest, reason: "note: must be at most 1000 characters") }
        return try await db.transaction { db in
            try await lockOrganization(on: db)
            guard let membership = try await Membership.query(on: db).filter(\.$id == membershipID)
                .filter(\.$organization.$id == organizationID).with(\.$account).first(),
                [.active, .blocked].contains(membership.status)
            else { throw Abort(.notFound, reason: "member: not found in this organization") }
            let losesAdministration = membership.role == .administrator && membership.status == .active
                && [.demote, .block, .remove, .leave].contains(change)
            if losesAdministration, try await activeAdministrators(on: db) <= 1 {
                // A sentence per change: "cannot be \(change)" read "cannot be leave".
                let sentence = mailer.catalog.text("member.last_admin.\(change.rawValue)", .en, ["email": membership.account.email])
                throw Abort(.conflict, reason: "member: \(sentence)")
            }
            // A blocked person keeps their role but gets no new one: giving rights to someone locked out is a slip.
            if membership.status == .blocked, change == .promote {
                throw Abort(.conflict, reason: "member: \(membership.account.email) is blocked; unblock them before promoting")
            }
            switch change {
            case .promote: membership.role = .administrator
            case .demote: membership.role = .member
            case .block: membership.status = .blocked
            case .unblock:
                guard membership.status == .blocked else { throw Abort(.conflict, reason: "member: is not blocked") }
                membership.status = .active
            case .remove: membership.status = .removed
            case .leave: membership.status = .left
            }
            if let note = note?.trimmingCharacters(in: .whitespacesAndNewlines), !note.isEmpty { membership.note = note }
            try await membership.save(on: db)
            if change == .remove || change == .leave {
                // License-administrator rights do not survive the membership that carried them.
                try await LicenseKeyAdministrator.query(on: db).filter(\.$membership.$id == membershipID).delete()
            }
            let revokedTokens = losesAdministration ? try await revokeAPITokens(of: membership.account.requireID(), on: db) : 0
            let detail = [note.map { "note: \($0)" }, change == .promote || change == .demote ? "role: \(membership.role.title)" : nil,
                          revokedTokens > 0 ? "API tokens revoked: \(revokedTokens)" : nil]
                .compactMap { $0 }.joined(separator: ", ")
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: change.auditAction,
                                      targetType: "account", targetID: membership.account.id, targetLabel: membership.account.email,
                                      details: detail.isEmpty ? nil : detail)
            if [.block, .unblock, .remove].contains(change) {
                try await notify(membership, change: change, on: db)
            }
            try await WebhookEvents.emit(change.webhookEvent, organizationID: organizationID, on: db) {
                WebhookPayload.Member(membership, account: membership.account)
            }
            return membership
        }
    }

    /// Replaces the license keys a Regular Member administers (an empty list removes the right).
    func grantLicenseKeys(_ keyIDs: Set<UUID>, to membershipID: UUID, on db: any Database) async throws {
        try await db.transaction { db in
            guard let membership = try await Membership.query(on: db).filter(\.$id == membershipID)
                .filter(\.$organization.$id == organizationID).filter(\.$status == .active).with(\.$account).first()
            else { throw Abort(.notFound, reason: "member: not found in this organization") }
            guard membership.role == .member || keyIDs.isEmpty else {
                throw Abort(.conflict, reason: "member: Account Administrators manage every key already")
            }
            let keys = try await LicenseKey.query(on: db).filter(\.$organization.$id == organizationID).all()
            let unknown = keyIDs.subtracting(keys.compactMap(\.id))
            guard unknown.isEmpty else { throw Abort(.badRequest, reason: "license_keys: \(unknown.count) key(s) are not this organization's") }
            try await LicenseKeyAdministrator.query(on: db).filter(\.$membership.$id == membershipID).delete()
            for keyID in keyIDs { try await LicenseKeyAdministrator(membershipID: membershipID, licenseKeyID: keyID).create(on: db) }
            let names = try keys.filter { keyIDs.contains(try $0.requireID()) }.map(\.name).sorted()
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .memberLicenseKeysGranted,
                                      targetType: "account", targetID: membership.account.id, targetLabel: membership.account.email,
                                      details: names.isEmpty ? "no keys" : "keys: \(names.joined(separator: ", "))")
        }
    }

    /// A person who stops being an administrator loses their API tokens for good: a later promotion or unblock
    /// gives back the role, not tokens that may have been handed around meanwhile.
    private func revokeAPITokens(of accountID: UUID, on db: any Database) async throws -> Int {
        let tokens = try await APIToken.query(on: db).filter(\.$organization.$id == organizationID)
            .filter(\.$account.$id == accountID).filter(\.$revokedAt == nil).all()
        for token in tokens {
            token.revokedAt = Date()
            try await token.save(on: db)
        }
        return tokens.count
    }

    private func activeAdministrators(on db: any Database) async throws -> Int {
        try await Membership.query(on: db).filter(\.$organization.$id == organizationID)
            .filter(\.$role == .administrator).filter(\.$status == .active).count()
    }

    /// Serialises role and status changes per organization on PostgreSQL (SQLite serialises all writers), so two
    /// administrators demoting each other at once cannot leave the organization without one.
    private func lockOrganization(on db: any Database) async throws {
        let sql = try db.sql
        guard sql.dialect.name == "postgresql" else { return }
        _ = try await sql.raw("SELECT id FROM organizations WHERE id = \(bind: organizationID) FOR UPDATE").all()
    }

    private func notify(_ membership: Membership, change: Change, on db: any Database) async throws {
        guard let organization = try await Organization.find(organizationID, on: db) else { return }
        let account = membership.account
        let catalog = try await mailer.catalog(for: organizationID, on: db)
        let content = MemberNoticeEmail.content(change, organization: organization, account: account, catalog: catalog)
        let sender = try await MailComposer.sender(for: organizationID, on: db)
        let mail = mailer.composer.mail(content, from: sender, to: Mailbox(address: try EmailAddress(account.email), displayName: account.name),
                                        organizationID: organizationID)
        // Counted in the daily quota but never refused by it: blocking or removing someone must not wait for mail.
        try await mailer.outbox.enqueue([mail], on: db, withinQuota: false)
    }
}

import Fluent
import Foundation
import HeraldCore
import SQLKit
import Vapor

/// Accepting a join invitation: single use even under concurrent POSTs, because the pending→accepted change
/// is one conditional UPDATE and only the request that changed the row goes on.
enum JoinRedemption {
    /// The invitation behind a join token, with its status now; throws the page-level reason it cannot be
    /// found (404 unknown).
    static func link(token: String, reads: HotReads, on db: @autoclosure () -> any Database, now: Date = Date()) async throws -> (JoinLink, InvitationStatus) {
        guard let link = try await JoinLink.find(token: token, reads: reads, on: db()) else { throw JoinLinkError.unknown }
        return (link, link.status(now: now))
    }

    /// Marks the invitation accepted and makes `account` a member, in one transaction; throws `.alreadyUsed`
    /// if another request got there first.
    static func accept(_ invitation: JoinLink, account: Account, on db: any Database, now: Date = Date()) async throws -> Membership {
        try await db.transaction { db in
            let claimed = try await db.sql.raw("""
                UPDATE invitations SET status = 'accepted', accepted_at = \(bind: now), updated_at = \(bind: now)
                WHERE id = \(bind: invitation.invitationID) AND status = 'pending' AND expires_at > \(bind: now)
                RETURNING id
                """).all()
            guard !claimed.isEmpty else { throw JoinLinkError.alreadyUsed }
            let organizationID = invitation.organizationID
            let accountID = try account.requireID()
            let role = invitation.role
            let membership: Membership
            if let existing = try await Membership.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$account.$id == accountID).first() {
                guard existing.status != .blocked else { throw JoinLinkError.blocked }
                guard existing.status != .active else { throw JoinLinkError.alreadyMember }
                existing.status = .active
                existing.role = role
                membership = existing
                try await existing.save(on: db)
            } else {
                membership = Membership(organizationID: organizationID, accountID: accountID, role: role)
                try await membership.create(on: db)
            }
            account.language = invitation.language
            try await account.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: .account(id: accountID, email: account.email),
                                      action: .joinInvitationAccepted, targetType: "invitation", targetID: invitation.invitationID, targetLabel: invitation.email)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: .account(id: accountID, email: account.email),
                                      action: .memberJoined, targetType: "account", targetID: account.id, targetLabel: account.email,
                                      details: "role: \(role.title)")
            try await InvitationHistory.record(.accepted, invitationID: invitation.invitationID, organizationID: organizationID,
                                               detail: account.email, on: db, at: now)
            let listeners = try await WebhookEvents.listeners(organizationID: organizationID, on: db)
            try await listeners.emit(.invitationAccepted, on: db) {
                WebhookPayload.Invitation(id: invitation.invitationID, kind: "join", email: invitation.email, status: "accepted")
            }
            try await listeners.emit(.memberJoined, on: db) { WebhookPayload.Member(membership, account: account) }
            return membership
        }
    }
}

/// Why a join link cannot be used; each maps to a page in the invitation's language saying what happened and what
/// to do next.
enum JoinLinkError: Error {
    case unknown, superseded, expired, revoked, alreadyUsed, blocked, alreadyMember

    var status: HTTPStatus {
        switch self {
        case .unknown: .notFound
        case .superseded, .expired, .revoked, .alreadyUsed: .gone
        case .blocked: .forbidden
        case .alreadyMember: .conflict
        }
    }

    /// Catalog key of what happened.
    var messageKey: String {
        switch self {
        case .unknown: "join.error.unknown"
        case .superseded: "join.error.superseded"
        case .expired: "join.error.expired"
        case .revoked: "join.error.revoked"
        case .alreadyUsed: "join.error.used"
        case .blocked: "join.error.blocked"
        case .alreadyMember: "join.error.member"
        }
    }

    /// Catalog key of what to do next: a person who already joined signs in, one holding an old link opens the
    /// newest email; only the others need a new invitation.
    var nextKey: String {
        switch self {
        case .unknown, .expired, .revoked: "link.error.next"
        case .superseded: "join.superseded.next"
        case .alreadyUsed: "join.used.next"
        case .alreadyMember: "join.member.next"
        case .blocked: "join.blocked.next"
        }
    }

    /// Whether the page offers the sign-in link: the person may well be a member already.
    var offersSignIn: Bool { self == .alreadyUsed || self == .alreadyMember }

    init?(status: InvitationStatus) {
        switch status {
        case .pending: return nil
        case .expired: self = .expired
        // A bounced invitation's link reached nobody it was meant for: it is as withdrawn.
        case .revoked, .bounced: self = .revoked
        case .accepted: self = .alreadyUsed
        }
    }
}

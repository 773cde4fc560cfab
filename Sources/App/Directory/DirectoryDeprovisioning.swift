import Fluent
import Vapor

/// What follows when an external source (SCIM now, LDAP sync later) disables or removes a directory user: their
/// pending invitations of every kind (matched by email) are revoked, and, if the organization opted in, their
/// membership is blocked. Each change is audited by its own service; one `directory.user_deprovisioned` event says
/// why and what was done.
struct DirectoryDeprovisioning {
    enum Change: String {
        case disabled, removed
    }

    let services: HeraldServices

    /// `source` is how the audit log names who did it: "SCIM", "LDAP sync".
    func apply(_ change: Change, to user: DirectoryUser, source: String, actor: AuditActor, on db: any Database) async throws {
        let organizationID = user.$organization.id
        let reason = "\(change.rawValue) in the directory by \(source)"
        var done: [String] = []
        let pending = try await Invitation.query(on: db).filter(\.$organization.$id == organizationID)
            .filter(\.$email == user.email).filter(\.$status == .pending).all()
        let changes = InvitationChanges(services: services)
        var revoked = 0
        for invitation in pending {
            // An invitation already expired cannot be revoked (409): nothing is pending on it any more.
            do {
                try await changes.revoke(try invitation.requireID(), organizationID: organizationID, actor: actor, on: db)
                revoked += 1
            } catch let abort as any AbortError where abort.status == .conflict || abort.status == .notFound {}
        }
        if revoked > 0 { done.append("\(revoked) pending invitation(s) revoked") }
        if try await DirectorySettingsStore.settings(of: organizationID, on: db).blockMembersOnDeprovision {
            done.append(try await blockMembership(email: user.email, organizationID: organizationID, reason: reason, actor: actor, on: db))
        }
        try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .directoryUserDeprovisioned,
                                  targetType: "directory_user", targetID: user.id, targetLabel: user.email,
                                  details: ([reason] + done.filter { !$0.isEmpty }).joined(separator: "; "))
    }

    /// Blocks the active membership of the account with this email; what happened, for the audit details.
    private func blockMembership(email: String, organizationID: UUID, reason: String, actor: AuditActor, on db: any Database) async throws -> String {
        guard let membership = try await Membership.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$status == .active)
            .join(Account.self, on: \Membership.$account.$id == \Account.$id).filter(Account.self, \.$email == email).first()
        else { return "" }
        do {
            _ = try await MembershipChanges(mailer: services.mailer, organizationID: organizationID, actor: actor)
                .apply(.block, to: try membership.requireID(), note: reason, on: db)
            return "membership blocked"
        } catch let abort as any AbortError where abort.status == .conflict {
            // The last active administrator stays: an organization nobody can administer helps no one.
            return "membership not blocked: \(abort.reason)"
        }
    }
}

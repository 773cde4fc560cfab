import Fluent
import HeraldCore
import Vapor

/// Resending and revoking an invitation of any kind, the one entry the console and the API use: each kind keeps
/// its own rules (a join link, an install code under the key's seat lock, a client invitation that can only be
/// withdrawn), and `/invitations/:id/resend|revoke` works for every invitation the list shows.
struct InvitationChanges {
    let services: HeraldServices

    private var join: JoinInvitations { JoinInvitations(mailer: services.mailer, configuration: services.configuration, linkBox: services.secretBox) }
    private var install: InstallInvitationChanges {
        InstallInvitationChanges(mailer: services.mailer, secrets: services.installInvitationSecrets, seatLock: services.seatLock)
    }

    /// The kind of the organization's invitation; 404 when it is not one of them.
    static func kind(of id: UUID, organizationID: UUID, on db: any Database) async throws -> InvitationKind {
        guard let invitation = try await Invitation.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID)
            .field(\.$id).field(\.$kind).first()
        else { throw Abort(.notFound, reason: "invitation: not found in this organization") }
        return invitation.kind
    }

    @discardableResult
    func resend(_ id: UUID, organization: Organization, inviter: Account?, actor: AuditActor, on db: any Database) async throws -> InvitationKind {
        let kind = try await Self.kind(of: id, organizationID: try organization.requireID(), on: db)
        switch kind {
        case .join: try await join.resend(id, organization: organization, inviter: inviter, actor: actor, on: db)
        case .install: try await install.resend(id, organization: organization, actor: actor, on: db)
        case .client:
            throw Abort(.conflict, reason: "invitation: a client invitation is not resent; invite the person again from Remote access")
        }
        return kind
    }

    @discardableResult
    func revoke(_ id: UUID, organizationID: UUID, actor: AuditActor, on db: any Database, now: Date = Date()) async throws -> InvitationKind {
        let kind = try await Self.kind(of: id, organizationID: organizationID, on: db)
        switch kind {
        case .join: try await join.revoke(id, organizationID: organizationID, actor: actor, on: db, now: now)
        case .install: try await install.revoke(id, organizationID: organizationID, actor: actor, on: db, now: now)
        case .client: try await Self.revokeClient(id, organizationID: organizationID, actor: actor, on: db, now: now)
        }
        return kind
    }

    /// Nothing can be redeemed with a client invitation; revoking records that the administrator withdrew it.
    private static func revokeClient(_ id: UUID, organizationID: UUID, actor: AuditActor, on db: any Database, now: Date) async throws {
        try await db.transaction { db in
            guard let invitation = try await Invitation.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID).first()
            else { throw Abort(.notFound, reason: "invitation: not found in this organization") }
            try await invitation.withdraw(at: now, organizationID: organizationID, actor: actor, action: .clientInvitationRevoked, on: db)
        }
    }
}

extension Invitation {
    /// Marks the invitation revoked if its lifecycle allows (a 409 saying why otherwise) and records `action`.
    func withdraw(at now: Date, organizationID: UUID, actor: AuditActor, action: AuditAction, on db: any Database) async throws {
        do {
            status = try InvitationLifecycle.revoke(stored: status, expiresAt: expiresAt, now: now)
        } catch { throw Abort(.conflict, reason: "invitation: \(error)") }
        revokedAt = now
        try await save(on: db)
        try await InvitationHistory.record(.revoked, invitationID: try requireID(), organizationID: organizationID, detail: actor.label,
                                           on: db, at: now)
        try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: action,
                                  targetType: "invitation", targetID: id, targetLabel: email)
        try await WebhookEvents.emit(.invitationRevoked, organizationID: organizationID, on: db, now: now) { WebhookPayload.Invitation(self) }
    }
}

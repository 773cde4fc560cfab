import Fluent
import HeraldCore
import Vapor

/// `/api/v1/invitations` (join kind) and `/api/v1/members/:id/...`: the console's actions for scripts.
extension APIController {
    struct JoinInvitationBody: Content {
        var emails: [String]?
        /// Directory group ids or names, expanded to their enabled people.
        var groups: [String]?
        var language: String?
        var message: String?
        var role: String?
        var expires_in_days: WholeNumber<InvitationValidityDays>?
    }

    struct InvitationDTO: Content {
        let id: UUID
        let kind: InvitationKind
        let email: String
        /// pending, accepted, expired, revoked or bounced; a client invitation: queued, sent, failed, revoked or bounced.
        let status: String
        let language: String
        let sentAt: Date?
        let expiresAt: Date
        let acceptedAt: Date?
        /// When a hard bounce came back, and the remote server's reason.
        let bouncedAt: Date?
        let bounceReason: String?
    }

    func inviteToJoin(_ req: Request) async throws -> Response {
        let context = try req.api
        let body = try req.content.decode(JoinInvitationBody.self)
        let emails = body.emails ?? []
        guard emails.count <= 10_000 else { throw Abort(.payloadTooLarge, reason: "emails: at most 10000 per request") }
        // One address per line keeps each result's line number equal to its index + 1 in `emails`.
        if let bad = emails.firstIndex(where: { $0.contains(where: \.isNewline) }) {
            throw Abort(.badRequest, reason: "emails[\(bad)]: must be a single address")
        }
        let form = JoinInvitationsController.InviteForm(emails: emails.joined(separator: "\n"), csv: nil, language: body.language,
                                                        message: body.message, role: body.role, expires_in_days: body.expires_in_days,
                                                        groups: body.groups)
        let request = try await JoinInvitationsController.request(from: form, organizationID: context.organizationID, on: req.db)
        let problems = JoinInvitations.problems(request)
        guard problems.isEmpty else { throw Abort(.badRequest, reason: problems.joined(separator: "; ")) }
        guard let organization = try await Organization.find(context.organizationID, on: req.db) else { throw Abort(.notFound) }
        let results = try await JoinInvitations(mailer: req.herald.mailer, configuration: req.herald.configuration, linkBox: req.herald.secretBox)
            .invite(request, organization: organization, inviter: context.account, actor: context.actor, on: req.db)
        return try await ["results": results].encodeResponse(status: .created, for: req)
    }

    /// A page of invitations (`?cursor=`, `?limit=` up to 1,000, default 100; `Link` names the next and previous
    /// pages), newest first or, with `?q=` (an email prefix), by email; filtered by `status`, `kind`, `from`, `to`.
    func invitations(_ req: Request) async throws -> Response {
        let organizationID = try req.api.organizationID
        let filter = try InvitationList(req)
        let now = Date()
        let list = try ListRequest(req, defaultLimit: Self.defaultListLimit)
        let page = try await list.page(try filter.query(organizationID: organizationID, now: now, on: req.db), filter.ordering)
        let clientStates = try await ClientInvitationState.of(page.rows.filter { $0.kind == .client }, on: req.db)
        return try await list.response(page, for: req) {
            let status = clientStates[try $0.requireID()]?.state.rawValue
                ?? InvitationLifecycle.effectiveStatus(stored: $0.status, expiresAt: $0.expiresAt, now: now).rawValue
            return InvitationDTO(id: try $0.requireID(), kind: $0.kind, email: $0.email, status: status, language: $0.language,
                                 sentAt: $0.sentAt, expiresAt: $0.expiresAt, acceptedAt: $0.acceptedAt,
                                 bouncedAt: $0.bouncedAt, bounceReason: $0.status == .bounced ? $0.bounceReason : nil)
        }
    }

    /// `GET /api/v1/invitations/export.csv`: the filtered list in full, streamed.
    func exportInvitations(_ req: Request) async throws -> Response {
        try InvitationList(req).export(organizationID: try req.api.organizationID, for: req)
    }

    /// Any kind: a join link or an install code is replaced and emailed again (`InvitationChanges`).
    func resendInvitation(_ req: Request) async throws -> HTTPStatus {
        let context = try req.api
        guard let organization = try await Organization.find(context.organizationID, on: req.db) else { throw Abort(.notFound) }
        try await InvitationChanges(services: req.herald).resend(try JoinInvitationsController.id(req), organization: organization,
                                                                 inviter: context.account, actor: context.actor, on: req.db)
        return .accepted
    }

    /// Any kind: the link or activation code stops working at once.
    func revokeInvitation(_ req: Request) async throws -> HTTPStatus {
        let context = try req.api
        try await InvitationChanges(services: req.herald).revoke(try JoinInvitationsController.id(req), organizationID: context.organizationID,
                                                                 actor: context.actor, on: req.db)
        return .noContent
    }

    struct NoteBody: Content {
        var note: String?
    }

    func changeMember(_ change: MembershipChanges.Change) -> @Sendable (Request) async throws -> MemberDTO {
        { req in
            let context = try req.api
            guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.badRequest, reason: "id: is not a valid member id") }
            let note = (try? req.content.decode(NoteBody.self))?.note
            let membership = try await MembershipChanges(mailer: req.herald.mailer, organizationID: context.organizationID, actor: context.actor)
                .apply(change, to: id, note: note, on: req.db)
            req.herald.mailer.wakeDelivery()
            return try Self.memberDTO(membership)
        }
    }

    struct LicenseKeysBody: Content {
        var license_keys: [UUID]
    }

    func grantLicenseKeys(_ req: Request) async throws -> HTTPStatus {
        let context = try req.api
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.badRequest, reason: "id: is not a valid member id") }
        let body = try req.content.decode(LicenseKeysBody.self)
        try await MembershipChanges(mailer: req.herald.mailer, organizationID: context.organizationID, actor: context.actor)
            .grantLicenseKeys(Set(body.license_keys), to: id, on: req.db)
        return .noContent
    }
}

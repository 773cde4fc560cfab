import Fluent
import HeraldCore
import Vapor

/// The console's "Invite people to join" form, and resend / revoke of join invitations.
struct JoinInvitationsController {
    struct InviteForm: Content {
        var emails: String?
        var csv: File?
        var language: String?
        var message: String?
        var role: String?
        var expires_in_days: WholeNumber<InvitationValidityDays>?
        /// Directory group ids or names (`groups[]` in the console's form).
        var groups: [String]?
    }

    func create(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(InviteForm.self)
        let request: JoinInvitations.Request
        do {
            request = try await Self.request(from: form, organizationID: context.organizationID, on: req.db)
        } catch let abort as any AbortError where abort.status == .badRequest {
            return try await InvitationsController.render(req, results: [], errors: [abort.reason]).encodeResponse(status: .badRequest, for: req)
        }
        let problems = JoinInvitations.problems(request)
        guard problems.isEmpty else {
            return try await InvitationsController.render(req, results: [], errors: problems).encodeResponse(status: .badRequest, for: req)
        }
        let results: [JoinInvitations.RowResult]
        do {
            results = try await JoinInvitations(mailer: req.herald.mailer, configuration: req.herald.configuration, linkBox: req.herald.secretBox)
                .invite(request, organization: context.organization, inviter: context.account, actor: context.actor, on: req.db)
        } catch let quota as MailQuota.Exceeded {
            let response = try await InvitationsController.render(req, results: [], errors: [quota.reason]).encodeResponse(status: quota.status, for: req)
            response.headers.add(contentsOf: quota.headers)
            return response
        }
        return try await InvitationsController.render(req, results: results, errors: []).encodeResponse(for: req)
    }

    /// The request with the chosen directory groups' people added after the typed addresses.
    static func request(from form: InviteForm, organizationID: UUID, on db: any Database) async throws -> JoinInvitations.Request {
        var request = try request(from: form)
        let groups = try await GroupRecipients.resolve(form.groups, organizationID: organizationID, on: db)
            .excluding(request.recipients.addresses)
        request.recipients = groups.merged(into: request.recipients)
        request.groupOrigins = groups.origins
        request.groupsChosen = !(form.groups ?? []).isEmpty
        return request
    }

    /// Parses the form (or API body) fields into a request; a CSV upload wins over typed addresses.
    static func request(from form: InviteForm) throws -> JoinInvitations.Request {
        let parser = RecipientListParser()
        let recipients: RecipientList
        if let csv = form.csv, csv.data.readableBytes > 0 {
            recipients = parser.parseCSV(data: Data(buffer: csv.data))
        } else if (form.emails ?? "").allSatisfy(\.isWhitespace), !(form.groups ?? []).isEmpty {
            recipients = RecipientList() // only groups chosen: no typed list to complain about
        } else {
            recipients = parser.parse(text: form.emails ?? "")
        }
        guard let language = Language(code: form.language ?? "en") else {
            throw Abort(.badRequest, reason: "language: must be one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let role: MembershipRole
        switch form.role ?? "member" {
        case "member": role = .member
        case "administrator", "admin": role = .administrator
        default: throw Abort(.badRequest, reason: "role: must be member or administrator")
        }
        return JoinInvitations.Request(recipients: recipients, language: language, message: form.message, role: role,
                                       expiresInDays: form.expires_in_days ?? .init(default: 7))
    }

    func resend(_ req: Request) async throws -> Response {
        let context = try req.console
        let kind = try await InvitationChanges(services: req.herald).resend(try Self.id(req), organization: context.organization,
                                                                            inviter: context.account, actor: context.actor, on: req.db)
        req.flash(kind == .install
            ? "A new activation code and download link were sent; the old ones no longer work."
            : "A new invitation link was sent; the old one no longer works.")
        return req.redirect(to: "/console/invitations")
    }

    func revoke(_ req: Request) async throws -> Response {
        let context = try req.console
        let kind = try await InvitationChanges(services: req.herald).revoke(try Self.id(req), organizationID: context.organizationID,
                                                                            actor: context.actor, on: req.db)
        req.flash(kind == .install ? "The invitation was revoked; its activation code and download link no longer work."
                  : "The invitation was revoked; its link no longer works.")
        return req.redirect(to: "/console/invitations")
    }

    static func id(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.badRequest, reason: "id: is not a valid invitation id") }
        return id
    }
}

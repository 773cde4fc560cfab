import Fluent
import HeraldCore
import Vapor

/// The Invite Users wizard: mail, connection, recipients, message, summary. Every page is a plain form; each
/// POST first stores what was entered (Back included), then moves on only if the step is valid.
struct ClientWizardController {
    /// Which button submitted the form.
    enum Direction: String, Codable { case back, next, refresh, preview, defaults }

    func start(_ req: Request) async throws -> Response {
        try await Self.freshDraft(req).save(req)
        return req.redirect(to: ClientWizardStep.mail.path)
    }

    /// A new wizard, its connection step filled with what the organization used last.
    static func freshDraft(_ req: Request) async throws -> ClientWizardDraft {
        var draft = ClientWizardDraft()
        if let remembered = try await RememberedConnection.latest(organizationID: req.console.organizationID, on: req.db) {
            draft.request.connection = remembered
        }
        return draft
    }

    func show(_ req: Request) async throws -> Response {
        let step = try Self.step(req)
        let draft = ClientWizardDraft.isStarted(req) ? ClientWizardDraft.load(req) : try await Self.freshDraft(req)
        if let blocking = try await firstIncompleteStep(before: step, draft: draft, req: req) {
            req.flash("\(blocking.1) Complete the \(blocking.0.title.lowercased()) step first.")
            return req.redirect(to: blocking.0.path)
        }
        return try await render(req, step: step, draft: draft, status: .ok)
    }

    func submit(_ req: Request) async throws -> Response {
        let step = try Self.step(req)
        var draft = ClientWizardDraft.isStarted(req) ? ClientWizardDraft.load(req) : try await Self.freshDraft(req)
        let direction = (try? req.content.get(Direction.self, at: "direction")) ?? .next
        var view = ClientWizardView(step: step)
        switch step {
        case .mail:
            view.errors = try await saveMail(req)
        case .connection:
            draft.request.connection = try req.content.decode(ConnectionForm.self).input
            if direction == .next, case .failure(let problems) = ConnectionSettings.validate(draft.request.connection) {
                view.errors = problems.map(\.description)
            }
        case .recipients:
            let form = try req.content.decode(RecipientsForm.self)
            draft.request.userIDs = (form.user_ids ?? []).compactMap(UUID.init(uuidString:))
            draft.request.groupIDs = (form.group_ids ?? []).compactMap(UUID.init(uuidString:))
            if direction == .next, try await recipients(draft, req).isEmpty {
                view.errors = ["recipients: choose at least one enabled user, or a group with enabled members"]
            }
        case .message:
            let form = try req.content.decode(MessageForm.self)
            draft.request.language = Language(code: form.language ?? "") ?? draft.request.language
            draft.request.subject = form.subject
            draft.request.template = form.template
            draft.previewUserID = form.preview_user_id.flatMap(UUID.init(uuidString:))
            if direction == .defaults {
                let organization = try req.console.organization
                // The organization's own default wording (Email templates), else the shipped text.
                let catalog = try await MessageOverrides.catalog(for: try organization.requireID(), base: req.herald.catalog, on: req.db)
                draft.request.subject = ClientInvitationPlanner.defaultSubject(draft.request.language, organization: organization, catalog: catalog)
                draft.request.template = ClientInvitationPlanner.defaultTemplate(draft.request.language, organization: organization, catalog: catalog)
            } else if direction != .back, case .failure(let problems) = messageTemplates(draft, req) {
                view.errors = problems.map(\.description)
            }
        case .summary:
            break
        }
        try draft.save(req)
        if !view.errors.isEmpty { return try await render(req, step: step, draft: draft, view: view, status: .unprocessableEntity) }
        switch direction {
        case .back: return req.redirect(to: (step.previous ?? step).path)
        case .refresh, .defaults: return req.redirect(to: step.path)
        case .preview: return try await render(req, step: step, draft: draft, status: .ok, preview: true)
        case .next:
            if step == .mail, let blocking = try await firstIncompleteStep(before: .connection, draft: draft, req: req) {
                view.errors = [blocking.1]
                return try await render(req, step: step, draft: draft, view: view, status: .conflict)
            }
            return req.redirect(to: (step.next ?? step).path)
        }
    }

    static func step(_ req: Request) throws -> ClientWizardStep {
        guard let step = req.parameters.get("step").flatMap(ClientWizardStep.init(rawValue:)) else {
            throw Abort(.notFound, reason: "step: the wizard has the steps mail, connection, recipients, message and summary")
        }
        return step
    }

    /// The first step before `step` that is not complete, with the reason, so a bookmarked or typed URL of a
    /// later step cannot skip a check.
    func firstIncompleteStep(before step: ClientWizardStep, draft: ClientWizardDraft, req: Request) async throws -> (ClientWizardStep, String)? {
        let index = ClientWizardStep.allCases.firstIndex(of: step)!
        let organizationID = try req.console.organizationID
        if index > 0, let problem = try await MailReadiness.problems(organizationID: organizationID, on: req.db).first {
            return (.mail, "The organization cannot send invitations yet (\(problem)).")
        }
        if index > 1, case .failure(let problems) = ConnectionSettings.validate(draft.request.connection) {
            return (.connection, "The connection settings are incomplete (\(problems[0])).")
        }
        if index > 2, try await recipients(draft, req).isEmpty {
            return (.recipients, "No recipients are chosen.")
        }
        if index > 3, case .failure(let problems) = messageTemplates(draft, req) {
            return (.message, "The message has a problem (\(problems[0])).")
        }
        return nil
    }

    func recipients(_ draft: ClientWizardDraft, _ req: Request) async throws -> [DirectoryUser] {
        let organizationID = try req.console.organizationID
        // Ids of users or groups deleted since they were ticked are dropped rather than failing the page.
        let users = Set(try await DirectoryStore.users(of: organizationID, on: req.db).map { try $0.requireID() })
        let groups = Set(try await DirectoryStore.groups(of: organizationID, on: req.db).map { try $0.requireID() })
        return try await ClientInvitationPlanner.resolveRecipients(
            userIDs: draft.request.userIDs.filter(users.contains), groupIDs: draft.request.groupIDs.filter(groups.contains),
            organizationID: organizationID, on: req.db)
    }

    func messageTemplates(_ draft: ClientWizardDraft, _ req: Request) -> Result<(InvitationTemplate, InvitationTemplate), FieldProblems> {
        let organization = (try? req.console.organization) ?? Organization()
        let catalog = req.herald.catalog
        return ClientInvitationPlanner.message(
            subject: draft.request.subject?.nilIfBlank ?? ClientInvitationPlanner.defaultSubject(draft.request.language, organization: organization, catalog: catalog),
            template: draft.request.template?.nilIfBlank ?? ClientInvitationPlanner.defaultTemplate(draft.request.language, organization: organization, catalog: catalog))
    }
}

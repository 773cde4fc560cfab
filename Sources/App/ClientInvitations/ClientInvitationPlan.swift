import Fluent
import HeraldCore
import MIME
import Vapor

/// What the wizard, the API and the CLI ask for: connection settings, recipients and the message.
struct ClientInvitationRequest: Sendable, Codable, Equatable {
    var connection = ConnectionSettings.Input()
    var userIDs: [UUID] = []
    var groupIDs: [UUID] = []
    var language: Language = .en
    /// nil or empty: the language's default subject and template.
    var subject: String?
    var template: String?
}

/// A checked request: everything needed to render and send each recipient's message.
struct ClientInvitationPlan: Sendable {
    let organization: Organization
    let settings: ConnectionSettings
    let recipients: [DirectoryUser]
    let language: Language
    let subject: InvitationTemplate
    let template: InvitationTemplate
    let downloads: ClientDownloads
    let sender: Mailbox
    let instructions: RenderedBlock
    let manualInstructions: RenderedBlock
    let footer: String
    /// Variables the template leaves out: shown before sending, never blocking it.
    var warnings: [String] { ClientInvitationPlan.warnings(for: template) }

    static func warnings(for template: InvitationTemplate) -> [String] {
        template.missingVariables.map { variable in
            let consequence = switch variable {
            case .recipient: "messages will not greet the recipient by name"
            case .sender: "recipients will not see whom to ask"
            case .instructions: "recipients will not get the link that sets up the client"
            case .manualInstructions: "recipients will not get the manual set-up steps"
            }
            return "template: \(variable.token) is not used, so \(consequence)"
        }
    }

    /// The exact message one recipient gets: subject, complete HTML document and text alternative.
    func message(for user: DirectoryUser) -> (subject: String, html: String, text: String) {
        let values = TemplateValues(recipient: user.name, sender: sender.address.description,
                                    instructions: instructions, manualInstructions: manualInstructions)
        let subjectLine = subject.renderSubject(values)
        let body = template.render(values)
        let html = """
        <!doctype html>
        <html lang="\(language.rawValue)"><head><meta charset="utf-8"><title>\(HTMLText.escape(subjectLine))</title></head>
        <body style="font-family:-apple-system,'Segoe UI',sans-serif;font-size:15px;line-height:1.5;color:#1b1f24">
        \(body.html)<hr><p style="font-size:12px;color:#5b6470">\(HTMLText.escape(footer))</p>
        </body></html>
        """
        return (subjectLine, html, body.text + "\n--\n" + footer + "\n")
    }

    func mail(for user: DirectoryUser, invitationID: UUID?, batchID: UUID?) throws -> OutgoingMail {
        let rendered = message(for: user)
        let recipient = Mailbox(address: try EmailAddress(user.email), displayName: user.name)
        return OutgoingMail(organizationID: organization.id, invitationID: invitationID, batchID: batchID, message: MailMessage(
            from: sender, to: [recipient], subject: rendered.subject, textBody: rendered.text, htmlBody: rendered.html,
            // Automated mail (RFC 3834): auto-responders do not answer it.
            extraHeaders: [(name: "Auto-Submitted", value: "auto-generated")]
        ))
    }
}

/// Turns a request into a plan, or a 4xx naming every field that is wrong.
enum ClientInvitationPlanner {
    static func defaultSubject(_ language: Language, organization: Organization, catalog: MessageCatalog) -> String {
        catalog.text("client.subject.default", language, ["organization": organization.name])
    }

    static func defaultTemplate(_ language: Language, organization: Organization, catalog: MessageCatalog) -> String {
        catalog.text("client.template.default", language, ["organization": organization.name])
    }

    /// Subject and template, parsed; unknown variables are errors.
    static func message(subject: String, template: String) -> Result<(InvitationTemplate, InvitationTemplate), FieldProblems> {
        var problems: [FieldProblem] = []
        var parsedSubject: InvitationTemplate?
        var parsedTemplate: InvitationTemplate?
        do { parsedSubject = try InvitationTemplate.parseSubject(subject) } catch { problems.append(error) }
        do { parsedTemplate = try InvitationTemplate(parsing: template) } catch { problems.append(error) }
        if subject.count > 250 { problems.append(.init(field: "subject", "is longer than 250 characters")) }
        if template.count > 20_000 { problems.append(.init(field: "template", "is longer than 20,000 characters")) }
        guard problems.isEmpty, let parsedSubject, let parsedTemplate else { return .failure(FieldProblems(problems)) }
        return .success((parsedSubject, parsedTemplate))
    }

    /// `publicURL`: Herald's own download pages, for the platforms the organization set no download link for.
    static func plan(_ request: ClientInvitationRequest, organization: Organization, catalog base: MessageCatalog, publicURL: URL,
                     on db: any Database) async throws -> ClientInvitationPlan {
        let organizationID = try organization.requireID()
        // The organization's own wording of shared entries (the footer) applies here as in every other email.
        let catalog = try await MessageOverrides.catalog(for: organizationID, base: base, on: db)
        var problems: [String] = []
        var settings: ConnectionSettings?
        switch ConnectionSettings.validate(request.connection) {
        case .success(let valid): settings = valid
        case .failure(let found): problems += found.map(\.description)
        }
        let subjectText = request.subject?.nilIfBlank ?? defaultSubject(request.language, organization: organization, catalog: catalog)
        let templateText = request.template?.nilIfBlank ?? defaultTemplate(request.language, organization: organization, catalog: catalog)
        var parsed: (InvitationTemplate, InvitationTemplate)?
        switch message(subject: subjectText, template: templateText) {
        case .success(let value): parsed = value
        case .failure(let found): problems += found.map(\.description)
        }
        let recipients = try await resolveRecipients(userIDs: request.userIDs, groupIDs: request.groupIDs, organizationID: organizationID, on: db)
        if recipients.isEmpty { problems.append("recipients: choose at least one enabled user, or a group with enabled members") }
        guard problems.isEmpty, let settings, let parsed else {
            throw Abort(.unprocessableEntity, reason: problems.joined(separator: "; "))
        }
        try await MailReadiness.require(organizationID: organizationID, on: db)
        let downloads = try await ClientDownloadsStore.downloads(for: organizationID, on: db).filled { device in
            ClientDownloadPage.url(organizationID: organizationID, device: device, base: publicURL)
        }
        let language = request.language
        let instructions = ClientInstructions(settings: settings, downloads: downloads) { key, arguments in
            catalog.text(key, language, arguments)
        }
        return ClientInvitationPlan(
            organization: organization, settings: settings, recipients: recipients, language: language, subject: parsed.0,
            template: parsed.1, downloads: downloads, sender: try await MailComposer.sender(for: organizationID, on: db),
            instructions: instructions.automatic(), manualInstructions: instructions.manual(),
            footer: catalog.text("mail.footer", language, ["organization": organization.name])
        )
    }

    /// The chosen users and the enabled members of the chosen groups (nested groups expanded), each person once.
    /// Unknown ids are a 4xx rather than silently fewer recipients.
    static func resolveRecipients(userIDs: [UUID], groupIDs: [UUID], organizationID: UUID, on db: any Database) async throws -> [DirectoryUser] {
        let users = try await DirectoryStore.users(of: organizationID, on: db)
        let byID = Dictionary(uniqueKeysWithValues: try users.map { (try $0.requireID(), $0) })
        if let unknown = userIDs.first(where: { byID[$0] == nil }) { throw Abort(.badRequest, reason: "users: \(unknown) is not a user in the directory") }
        let groupIDsKnown = Set(try await DirectoryStore.groups(of: organizationID, on: db).map { try $0.requireID() })
        if let unknown = groupIDs.first(where: { !groupIDsKnown.contains($0) }) { throw Abort(.badRequest, reason: "groups: \(unknown) is not a group in the directory") }
        let graph = try await DirectoryStore.graph(of: organizationID, on: db)
        return graph.recipients(users: userIDs, groups: groupIDs).compactMap { byID[$0] }
    }
}

extension String {
    var nilIfBlank: String? { trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : self }
}

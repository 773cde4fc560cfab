import Foundation

/// Renders a template with sample data through the same builders the real emails use.
enum TemplatePreview {
    static func content(_ template: EditableTemplate, language: Language, catalog: MessageCatalog, organization: Organization,
                        inviter: Account, configuration: Configuration) -> EmailContent {
        let person = Account(email: "person@example.com", name: "Alex Example", passwordHash: "")
        person.language = language.rawValue
        switch template {
        case .join, .common:
            let invitation = Invitation()
            invitation.language = language.rawValue
            invitation.email = person.email
            invitation.expiresAt = Date().addingTimeInterval(7 * 86_400)
            invitation.message = "(personal message)"
            return JoinInvitationEmail(catalog: catalog, configuration: configuration)
                .content(invitation: invitation, token: "sample-token", organization: organization, inviter: inviter)
        case .memberNotices:
            return MemberNoticeEmail.content(.block, organization: organization, account: person, catalog: catalog)
        case .testEmail:
            return TestEmail.content(organization: organization, language: language, catalog: catalog)
        case .install:
            return InstallInvitationEmail.content(.init(
                product: "Herald Pro", organization: organization.name, downloadURL: configuration.link("install", "sample-token"),
                code: "K7QH-M3XP-9TRD-WN4C-AB2D", expiresAt: Date().addingTimeInterval(7 * 86_400)
            ), language: language, catalog: catalog)
        case .client:
            // The wizard renders the full message per recipient; here the default text itself, variables shown as typed.
            let text = ClientInvitationPlanner.defaultTemplate(language, organization: organization, catalog: catalog)
            return EmailContent(subject: ClientInvitationPlanner.defaultSubject(language, organization: organization, catalog: catalog),
                                paragraphs: text.components(separatedBy: "\n\n"))
        }
    }
}

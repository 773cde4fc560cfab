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
        }
    }
}

import Foundation

/// The emails that tell a person they were blocked, unblocked or removed, in the language they last used.
enum MemberNoticeEmail {
    static let changes: [MembershipChanges.Change] = [.block, .unblock, .remove]

    static func content(_ change: MembershipChanges.Change, organization: Organization, account: Account, catalog: MessageCatalog) -> EmailContent {
        let language = Language(code: account.language ?? "en") ?? .en
        let arguments = ["organization": organization.name, "name": account.name]
        return EmailContent(
            subject: catalog.text("member.\(change.rawValue).subject", language, arguments),
            greeting: catalog.text("email.greeting", language, arguments),
            paragraphs: [catalog.text("member.\(change.rawValue).body", language, arguments)],
            footer: catalog.text("mail.footer", language, arguments)
        )
    }
}

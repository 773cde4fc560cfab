@testable import App
import Foundation
import MailTestSupport
import MIME
import Testing

/// Every email Herald sends, in every language: it parses cleanly in Python's `email` package (RFC 2047 subjects
/// and names round-trip) and no English slips into a non-English message.
@Suite("Emails in seven languages")
struct EmailLanguagesTests {
    static let catalog = LocalizationTests.catalog
    static let organizationNames: [Language: String] = [
        .en: "Acme & Sons", .de: "Müller & Söhne GmbH", .fr: "Société Générale d'Exemple", .es: "Compañía Española S.A.",
        .it: "Società Italiana S.p.A.", .ja: "株式会社サンプル", .zhHans: "示例科技有限公司",
    ]

    /// The administrator's own words, the same in every language.
    static let personalMessage = "Bienvenue — ようこそ"

    /// Every email kind rendered in `language`: (name, content).
    static func emails(_ language: Language) throws -> [(String, EmailContent)] {
        let organization = Organization(name: organizationNames[language]!)
        let inviter = Account(email: "chef@example.com", name: "Zoë Ñúñez 山田", passwordHash: "")
        let invitee = Account(email: "person@example.com", name: "Person", passwordHash: "")
        invitee.language = language.rawValue
        let invitation = Invitation()
        invitation.language = language.rawValue
        invitation.email = "person@example.com"
        invitation.expiresAt = Date().addingTimeInterval(7 * 86_400)
        invitation.message = Self.personalMessage
        let configuration = Configuration(database: .sqlite(path: "/dev/null"), dataDirectory: "/tmp", publicURL: URL(string: "https://herald.test")!)
        var emails: [(String, EmailContent)] = [
            ("join", JoinInvitationEmail(catalog: catalog, configuration: configuration).content(invitation: invitation, token: "t0ken", organization: organization, inviter: inviter)),
            ("test", TestEmail.content(organization: organization, language: language, catalog: catalog)),
        ]
        for change in MemberNoticeEmail.changes {
            emails.append(("member.\(change.rawValue)", MemberNoticeEmail.content(change, organization: organization, account: invitee, catalog: catalog)))
        }
        return emails
    }

    @Test("every email in every language parses without defects and round-trips")
    func pythonRoundTrip() throws {
        let renderer = MessageRenderer(messageIDDomain: "herald.test")
        var cases: [(expectation: PythonEmailChecker.Expectation, bytes: [UInt8])] = []
        for language in Language.allCases {
            for (name, content) in try Self.emails(language) {
                let from = try Mailbox(address: EmailAddress("it@example.com"), displayName: "IT — \(Self.organizationNames[language]!)")
                let to = try Mailbox(address: EmailAddress("person@example.com"), displayName: "Pérson 人")
                let message = MailComposer(renderer: renderer).mail(content, from: from, to: to, organizationID: nil).message
                let expectation = PythonEmailChecker.Expectation(
                    name: "\(name) \(language.rawValue)", subject: content.subject, fromName: from.displayName!, fromAddress: "it@example.com",
                    to: [["Pérson 人", "person@example.com"]], extraHeaders: [["Auto-Submitted", "auto-generated"]],
                    text: content.text, html: content.html)
                cases.append((expectation, try renderer.render(message)))
            }
        }
        let problems = try PythonEmailChecker.problems(in: cases)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("no English text or raw catalog key leaks into a non-English email")
    func noEnglishFallback() throws {
        let english = try Self.emails(.en)
        for language in Language.allCases where language != .en {
            for ((name, content), (_, englishContent)) in zip(try Self.emails(language), english) {
                let text = content.text
                // Raw keys look like "join.email.subject": a missing translation that fell through.
                #expect(text.firstMatch(of: /\b[a-z]+\.[a-z_]+\.[a-z_.]+\b/) == nil, "\(language.rawValue) \(name): raw key in \(text)")
                let englishSentences = (englishContent.paragraphs + englishContent.closing + [englishContent.subject, englishContent.footer ?? ""])
                    .filter { $0.count > 12 && $0 != Self.personalMessage }
                for sentence in englishSentences {
                    #expect(!text.contains(sentence), "\(language.rawValue) \(name): English text '\(sentence)'")
                }
            }
        }
    }
}

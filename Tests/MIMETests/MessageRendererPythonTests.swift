import Foundation
import MailTestSupport
import Testing
@testable import MIME

@Suite("MessageRenderer against Python's email parser")
struct MessageRendererPythonTests {
    static let names: [String?] = [
        nil, "Alice Example", "Smith, John", "Jörg Müller-Lüdenscheidt", "山田 太郎", "王小明",
        "O'Brien \"Bob\" \\ Jr.", "🎉 Party Bot 👩‍👩‍👧", "=?utf-8?q?not_encoded?=", "J. R. R. Tolkien",
        "Maximilian Alexander Friedrich von Hohenzollern-Sigmaringen und Württemberg",
        "Ångström Ölçü Ærøskøbing Łódź Ñandú Çà et là, Straße 12", "a  double  space",
        "株式会社サンプル 営業部 山田 太郎 様",
    ]
    static let subjects: [String] = [
        "Welcome to Herald",
        "You are invited to join Example Corporation on Herald. This subject is deliberately long so that it has to be folded over several lines of the header.",
        "Einladung: Bitte treten Sie der Organisation „Müller & Söhne“ bei",
        "Herald への招待状：株式会社サンプルの組織に参加してください。この招待は七日後に期限切れになります。",
        "邀请您加入示例公司的组织",
        "🎉 Party time 🎉 = fun? _yes_",
        "Literal =?utf-8?q?word?= in a subject",
        "Two  spaces   and a\ttab",
        " leading and trailing ",
        String(repeating: "Unbreakable", count: 20),
        "",
    ]
    static let bodies: [String] = [
        "Hello,\n\nplease join us.\n",
        "Line with trailing spaces   \nand a tab\t\n.starts with a dot\n..two dots\n.\nFrom the start\n",
        "Equations: a=b, c==d, =41 is not an escape.\n" + String(repeating: "long line ", count: 150) + "\n",
        "Sehr geehrte Frau Müller,\n\nbitte klicken Sie auf den Link, um Ihre Einladung anzunehmen. Grüße!\n",
        "山田様\n\n株式会社サンプルへの招待が届いています。以下のリンクから参加してください。\n",
        "您好，\n\n请点击下面的链接加入组织。\n",
        "Emoji 🎉👩‍👩‍👧 and an exact 76 character line: " + String(repeating: "x", count: 30) + "\n",
        "no final line break",
        "",
        "CRLF\r\nline endings\r\n",
        String(repeating: "x", count: 2000),
    ]

    static func mailbox(_ index: Int, _ name: String?) throws -> Mailbox {
        Mailbox(address: try EmailAddress("person\(index)@example.com"), displayName: name)
    }

    static func makeCases() throws -> [(expectation: PythonEmailChecker.Expectation, bytes: [UInt8])] {
        let renderer = MessageRenderer(messageIDDomain: "herald.example")
        var cases = [(expectation: PythonEmailChecker.Expectation, bytes: [UInt8])]()
        var random = SplitMix64(seed: 2047)
        for index in 0..<120 {
            let subject = index < 40 ? subjects[index % subjects.count] : random.string(maxLength: 120)
            // Short enough for one encoded word: see MessageRenderer.mixedPhrase for why.
            let fromName = index < 40 ? names[index % names.count] : random.name(maxLength: 12)
            let toName = index < 40 ? names[(index + 5) % names.count] : random.name(maxLength: 12)
            let text = index < 40 ? bodies[index % bodies.count] : random.string(maxLength: 3000)
            let html = index % 2 == 0 ? nil : "<p>" + bodies[(index + 3) % bodies.count] + "</p>\n"
            let replyTo = index % 3 == 0 ? try mailbox(3, names[(index + 2) % names.count]) : nil
            let extraHeaders: [(name: String, value: String)] = [
                ("List-Unsubscribe", "<https://herald.example.com/u/\(index)>"),
                ("X-Herald-Organization", subjects[(index + 2) % subjects.count]),
            ]
            let message = MailMessage(
                from: try mailbox(0, fromName),
                to: [try mailbox(1, toName), try mailbox(2, names[(index + 7) % names.count])],
                replyTo: replyTo,
                subject: subject, textBody: text, htmlBody: html, extraHeaders: extraHeaders)
            let expectation = PythonEmailChecker.Expectation(
                name: "case \(index)", path: "", subject: subject,
                fromName: fromName ?? "", fromAddress: "person0@example.com",
                to: [[toName ?? "", "person1@example.com"],
                     [names[(index + 7) % names.count] ?? "", "person2@example.com"]],
                replyTo: replyTo.map { [$0.displayName ?? "", $0.address.description] },
                extraHeaders: extraHeaders.map { [$0.name, $0.value] },
                text: Self.lineFeeds(text), html: html.map(Self.lineFeeds))
            cases.append((expectation, try renderer.render(message)))
        }
        return cases
    }

    static func lineFeeds(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    @Test("every generated message parses without defects and round-trips")
    func pythonRoundTrip() throws {
        // given
        let cases = try Self.makeCases()
        // when
        let problems = try PythonEmailChecker.problems(in: cases)
        // then
        #expect(problems.isEmpty, "\(problems.prefix(20).joined(separator: "\n"))")
    }
}

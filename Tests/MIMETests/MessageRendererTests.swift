import Foundation
import Testing
@testable import MIME

@Suite("MessageRenderer")
struct MessageRendererTests {
    let renderer = MessageRenderer(messageIDDomain: "herald.example")

    func message(
        subject: String = "Welcome", text: String = "Hello\n", html: String? = nil,
        fromName: String? = "Herald", toName: String? = nil,
        extraHeaders: [(name: String, value: String)] = []
    ) throws -> MailMessage {
        MailMessage(
            from: Mailbox(address: try EmailAddress("admin@example.com"), displayName: fromName),
            to: [Mailbox(address: try EmailAddress("bob@example.com"), displayName: toName)],
            subject: subject, textBody: text, htmlBody: html,
            date: Date(timeIntervalSince1970: 1_795_545_205), extraHeaders: extraHeaders)
    }

    func rendered(_ message: MailMessage) throws -> String {
        String(decoding: try renderer.render(message), as: UTF8.self)
    }

    @Test("writes the RFC 5322 headers in order with CRLF line endings")
    func headers() throws {
        // given
        let message = try message(extraHeaders: [("Auto-Submitted", "auto-generated")])
        // when
        let text = try rendered(message)
        // then
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0] == "Date: Tue, 24 Nov 2026 18:33:25 +0000")
        #expect(lines[1] == "From: Herald <admin@example.com>")
        #expect(lines[2] == "To: bob@example.com")
        #expect(lines[3] == "Subject: Welcome")
        #expect(lines[4].hasPrefix("Message-ID: <") && lines[4].hasSuffix("@herald.example>"))
        #expect(lines[5] == "MIME-Version: 1.0")
        #expect(lines[6] == "Auto-Submitted: auto-generated")
        #expect(lines[7] == "Content-Type: text/plain; charset=utf-8")
        #expect(lines[8] == "Content-Transfer-Encoding: 7bit")
        #expect(lines[9] == "")
        #expect(lines[10] == "Hello")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.hasSuffix("\r\n"))
    }

    @Test("refuses CR, LF or NUL in any header value", arguments: [
        ("Subject", "Hi\r\nBcc: eve@evil.example"),
        ("From", "Eve\nBcc: eve@evil.example"),
        ("To", "Bob\0"),
        ("X-Campaign", "a\rb"),
        ("Subject", "line\u{2028}separator"),
    ])
    func headerInjection(field: String, value: String) throws {
        // given
        var message = try message()
        switch field {
        case "Subject": message.subject = value
        case "From": message.from.displayName = value
        case "To": message.to[0].displayName = value
        default: message.extraHeaders = [(field, value)]
        }
        // when / then
        #expect(throws: MIMEError.headerInjection(field: field)) { try renderer.render(message) }
    }

    @Test("refuses malformed or reserved extra header names")
    func extraHeaderNames() throws {
        // given / when / then
        #expect(throws: MIMEError.invalidHeaderName("Bad Name")) {
            try renderer.render(try message(extraHeaders: [("Bad Name", "x")]))
        }
        #expect(throws: MIMEError.invalidHeaderName("X:Y")) {
            try renderer.render(try message(extraHeaders: [("X:Y", "x")]))
        }
        #expect(throws: MIMEError.reservedHeader("content-type")) {
            try renderer.render(try message(extraHeaders: [("content-type", "text/html")]))
        }
    }

    @Test("refuses a message without recipients")
    func noRecipients() throws {
        // given
        var message = try message()
        message.to = []
        // when / then
        #expect(throws: MIMEError.noRecipients) { try renderer.render(message) }
    }

    @Test("builds multipart/alternative with the text part first and a fresh boundary")
    func multipart() throws {
        // given
        let message = try message(html: "<p>Hello</p>")
        // when
        let first = try rendered(message)
        let second = try rendered(message)
        // then
        let boundary = try #require(first.firstMatch(of: /boundary="([^"]+)"/)?.1)
        #expect(boundary.hasPrefix("=_Herald_"))
        let textAt = try #require(first.range(of: "text/plain"))
        let htmlAt = try #require(first.range(of: "text/html"))
        #expect(textAt.lowerBound < htmlAt.lowerBound)
        #expect(first.hasSuffix("--\(boundary)--\r\n"))
        #expect(second.firstMatch(of: /boundary="([^"]+)"/)?.1 != boundary)
    }

    @Test("does not dot-stuff: that is the SMTP client's job")
    func noDotStuffing() throws {
        // given
        let message = try message(text: "a\n.\n..b\n")
        // when
        let text = try rendered(message)
        // then
        #expect(text.hasSuffix("\r\n\r\na\r\n.\r\n..b\r\n"))
    }

    @Test("message IDs are 128-bit hex at the configured domain and unique")
    func messageIDs() {
        // given / when
        let ids = (0..<1000).map { _ in renderer.newMessageID() }
        // then
        #expect(Set(ids).count == 1000)
        #expect(ids.allSatisfy { $0.wholeMatch(of: /<[0-9a-f]{32}@herald\.example>/) != nil })
    }

    @Test("keeps a given Message-ID, adding angle brackets when missing")
    func givenMessageID() throws {
        // given
        var message = try message()
        message.messageID = "abc@example.com"
        // when
        let text = try rendered(message)
        // then
        #expect(text.contains("\r\nMessage-ID: <abc@example.com>\r\n"))
    }

    @Test("writes UTF-8 addresses as they are (RFC 6532 3.2)")
    func internationalAddress() throws {
        // given
        var message = try message()
        message.to = [Mailbox(address: try EmailAddress("用户@例子.广告"), displayName: "用户")]
        // when
        let text = try rendered(message)
        // then
        #expect(text.contains("\r\nTo: =?UTF-8?B?55So5oi3?= <用户@例子.广告>\r\n"))
    }

    @Test("folds long headers at 78 characters between words")
    func folding() throws {
        // given
        let subject = (1...30).map { "word\($0)" }.joined(separator: " ")
        // when
        let text = try rendered(try message(subject: subject))
        // then
        let header = try #require(text.components(separatedBy: "\r\n\r\n").first)
        #expect(header.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        let unfolded = header.replacingOccurrences(of: "\r\n ", with: " ")
        #expect(unfolded.contains("Subject: \(subject)\r\n"))
    }

    @Test("writes structured extra headers such as List-Unsubscribe as they are, however long")
    func structuredExtraHeaders() throws {
        // given
        let url = "<https://herald.example.com/unsubscribe/" + String(repeating: "t", count: 80) + ">"
        let message = try message(extraHeaders: [
            ("List-Unsubscribe", url), ("List-Help", "<https://x.example/?a=?b>"), ("X-Note", "a =?b?= c"),
        ])
        // when
        let text = try rendered(message)
        // then
        #expect(text.contains("\r\nList-Unsubscribe: \(url)\r\n"))
        #expect(text.contains("\r\nList-Help: <https://x.example/?a=?b>\r\n"))
        // Unstructured: a reader would decode "=?b?=", so it is encoded to survive.
        #expect(text.contains("\r\nX-Note: =?UTF-8?B?YSA9P2I/PSBj?=\r\n"))
    }

    @Test("encodes non-ASCII extra header values")
    func nonASCIIExtraHeader() throws {
        // given / when
        let text = try rendered(try message(extraHeaders: [("X-Organization", "Müller")]))
        // then
        #expect(text.contains("\r\nX-Organization: =?UTF-8?Q?M=C3=BCller?=\r\n"))
    }

    @Test("Message-IDs stay valid when the server's host is not a domain name", arguments: [
        ("herald.example.com", "herald.example.com"), ("::1", "[::1]"), ("", "localhost"), ("bad host\r\n", "[badhost]"),
    ])
    func messageIDHost(host: String, idRight: String) {
        // given
        let renderer = MessageRenderer(messageIDDomain: host)
        // when
        let id = renderer.newMessageID()
        // then
        #expect(id.hasSuffix("@\(idRight)>"))
    }
}

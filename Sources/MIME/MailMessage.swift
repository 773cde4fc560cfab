import Foundation

/// One email as the application sees it: people, words and bodies, before any
/// MIME encoding. `MessageRenderer` turns it into RFC 5322 bytes.
public struct MailMessage: Sendable {
    public var from: Mailbox
    public var to: [Mailbox]
    public var replyTo: Mailbox?
    public var subject: String
    public var textBody: String
    /// When set, the message is multipart/alternative with the text part first
    /// (RFC 2046 5.1.4: the last part is the preferred one).
    public var htmlBody: String?
    /// `<id@domain>`; when nil the renderer makes a new one.
    public var messageID: String?
    public var date: Date
    /// Extra fields such as `List-Unsubscribe` or `Auto-Submitted`, written in order.
    public var extraHeaders: [(name: String, value: String)]

    public init(
        from: Mailbox,
        to: [Mailbox],
        replyTo: Mailbox? = nil,
        subject: String,
        textBody: String,
        htmlBody: String? = nil,
        messageID: String? = nil,
        date: Date = Date(),
        extraHeaders: [(name: String, value: String)] = []
    ) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.messageID = messageID
        self.date = date
        self.extraHeaders = extraHeaders
    }

    /// True when an address has non-ASCII characters: they appear raw in the
    /// headers (RFC 6532 3.2), so the SMTP client must send with SMTPUTF8 and
    /// fail if the server does not offer it (RFC 6531 3.4).
    public var requiresSMTPUTF8: Bool {
        from.address.requiresSMTPUTF8 || to.contains { $0.address.requiresSMTPUTF8 }
            || (replyTo?.address.requiresSMTPUTF8 ?? false)
    }
}

/// Turns a `MailMessage` into the bytes of an RFC 5322 message with MIME
/// (RFC 2045-2047) bodies, ready for SMTP `DATA`.
///
/// The output has CRLF line endings and ends with CRLF. It is NOT dot-stuffed:
/// the SMTP client does that on the wire (RFC 5321 4.5.2), and the file
/// transport writes the bytes as they are.
public struct MessageRenderer: Sendable {
    public let messageIDDomain: String
    /// The part after the `@` in Message-IDs: the domain when it is a dot-atom,
    /// else a bracketed literal (RFC 5322 3.6.4 `id-right`), e.g. an IPv6 host.
    private let idRight: String

    /// Header names the renderer writes itself (compared lowercased).
    static let reservedHeaders: Set<String> = [
        "date", "from", "to", "reply-to", "subject", "message-id", "mime-version",
        "content-type", "content-transfer-encoding",
    ]

    public init(messageIDDomain: String) {
        self.messageIDDomain = messageIDDomain
        let bytes = Array(messageIDDomain.utf8)
        let isDotAtom = !bytes.isEmpty && bytes.first != UInt8(ascii: ".") && bytes.last != UInt8(ascii: ".")
            && bytes.allSatisfy { AddressSyntax.isAtext($0) && $0 < 0x80 || $0 == UInt8(ascii: ".") }
        if isDotAtom {
            idRight = messageIDDomain
        } else {
            // dtext (RFC 5322 3.4.1): printable ASCII except "[", "]" and backslash.
            let dtext = bytes.filter { $0 > 32 && $0 < 127 && $0 != 91 && $0 != 93 && $0 != 92 }
            idRight = dtext.isEmpty ? "localhost" : "[" + String(decoding: dtext, as: UTF8.self) + "]"
        }
    }

    /// A new `<128-bit-random-hex@domain>` identifier (RFC 5322 3.6.4).
    public func newMessageID() -> String {
        "<" + RandomHex.make128() + "@" + idRight + ">"
    }

    public func render(_ message: MailMessage) throws(MIMEError) -> [UInt8] {
        try validate(message)
        let text = TextBody(message.textBody)
        let html = message.htmlBody.map(TextBody.init)
        var writer = HeaderWriter(
            capacity: 1024 + text.bytes.count * 3 / 2 + (html?.bytes.count ?? 0) * 3 / 2)
        writeEnvelopeHeaders(message, into: &writer)
        if let html {
            let boundary = "=_Herald_" + RandomHex.make128()
            writer.appendField("Content-Type", "multipart/alternative;\r\n boundary=\"\(boundary)\"")
            writer.endField()  // blank line: end of the header section
            writePart(text, contentType: "text/plain", boundary: boundary, into: &writer)
            writePart(html, contentType: "text/html", boundary: boundary, into: &writer)
            writer.bytes.append(contentsOf: "--\(boundary)--\r\n".utf8)
        } else {
            writeContentHeaders(text, contentType: "text/plain", into: &writer)
            writer.endField()
            text.write(into: &writer.bytes)
            if !writer.bytes.endsWithCRLF { writer.endField() }
        }
        return writer.bytes
    }

    private func writeEnvelopeHeaders(_ message: MailMessage, into writer: inout HeaderWriter) {
        writer.appendField("Date", RFC5322Date.format(message.date))
        writeMailboxes("From", [message.from], into: &writer)
        writeMailboxes("To", message.to, into: &writer)
        if let replyTo = message.replyTo {
            writeMailboxes("Reply-To", [replyTo], into: &writer)
        }
        writeSubject(message.subject, into: &writer)
        writer.appendField("Message-ID", Self.bracketed(message.messageID ?? newMessageID()))
        writer.appendField("MIME-Version", "1.0")
        for header in message.extraHeaders {
            writeExtraHeader(header.name, header.value, into: &writer)
        }
    }

    /// RFC 2046 5.1.1: each part starts after CRLF "--" boundary; the CRLF before
    /// a delimiter belongs to the delimiter, not to the part's body.
    private func writePart(_ body: TextBody, contentType: String, boundary: String, into writer: inout HeaderWriter) {
        writer.bytes.append(contentsOf: "--\(boundary)\r\n".utf8)
        writeContentHeaders(body, contentType: contentType, into: &writer)
        writer.endField()
        body.write(into: &writer.bytes)
        writer.endField()
    }

    private func writeContentHeaders(_ body: TextBody, contentType: String, into writer: inout HeaderWriter) {
        writer.appendField("Content-Type", "\(contentType); charset=utf-8")
        writer.appendField("Content-Transfer-Encoding", body.encoding.rawValue)
    }

    private static func bracketed(_ id: String) -> String {
        id.hasPrefix("<") ? id : "<" + id + ">"
    }

    /// Every header value is checked before anything is written, so a message is
    /// either rendered whole or refused.
    private func validate(_ message: MailMessage) throws(MIMEError) {
        if message.to.isEmpty { throw .noRecipients }
        try Self.rejectLineBreaks(message.subject, field: "Subject")
        try Self.rejectLineBreaks(message.from.displayName ?? "", field: "From")
        for mailbox in message.to { try Self.rejectLineBreaks(mailbox.displayName ?? "", field: "To") }
        try Self.rejectLineBreaks(message.replyTo?.displayName ?? "", field: "Reply-To")
        try Self.rejectLineBreaks(message.messageID ?? "", field: "Message-ID")
        for header in message.extraHeaders {
            let name = header.name
            if name.isEmpty || name.utf8.contains(where: { $0 < 33 || $0 > 126 || $0 == UInt8(ascii: ":") }) {
                throw .invalidHeaderName(name)
            }
            if Self.reservedHeaders.contains(name.lowercased()) { throw .reservedHeader(name) }
            try Self.rejectLineBreaks(header.value, field: name)
        }
    }

    static func rejectLineBreaks(_ value: String, field: String) throws(MIMEError) {
        if value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) {
            throw .headerInjection(field: field)
        }
        // U+2028/U+2029/U+0085 are line breaks to some Unicode-aware readers.
        if value.unicodeScalars.contains(where: { $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }) {
            throw .headerInjection(field: field)
        }
    }
}

extension [UInt8] {
    var endsWithCRLF: Bool {
        count >= 2 && self[count - 2] == 13 && self[count - 1] == 10
    }
}

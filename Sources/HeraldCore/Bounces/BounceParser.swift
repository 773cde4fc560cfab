/// Reads a bounce from the bounce mailbox: an RFC 3464 `multipart/report; report-type=delivery-status` (Postfix,
/// Exchange, Gmail, Sendmail, Exim, Dovecot all send it), or qmail-send's plain-text report, which predates RFC
/// 3464 and is still what qmail and its forks send. Anything else (an auto-reply, spam that reached the bounce
/// address) is not a bounce: `parse` returns nil and the poller deletes it unrecorded.
public enum BounceParser {
    public static func parse(_ bytes: [UInt8]) -> BounceReport? {
        let message = MIMEEntity(bytes)
        let addresses = reportAddresses(of: message)
        if let report = deliveryStatus(in: message, addresses: addresses) { return report }
        return QmailBounce.parse(message, addresses: addresses)
    }

    static func reportAddresses(of message: MIMEEntity) -> [String] {
        ["delivered-to", "x-original-to", "envelope-to", "x-envelope-to", "to"]
            .flatMap(message.headerValues)
            .flatMap { $0.split(separator: ",") }
            .compactMap { bareAddress(String($0)) }
    }

    /// The `message/delivery-status` part wherever it sits (some gateways wrap the report in another multipart).
    static func deliveryStatus(in message: MIMEEntity, addresses: [String]) -> BounceReport? {
        let entities = message.allEntities
        guard let status = entities.first(where: {
            ["message/delivery-status", "message/global-delivery-status"].contains($0.contentType.value)
        }) else { return nil }
        // The status part's body is header-like groups separated by empty lines: one per message, then one per
        // recipient (RFC 3464 2.1). Continuation lines fold as in a header.
        let groups = fieldGroups(status.text)
        guard let perMessage = groups.first else { return nil }
        let recipients = groups.dropFirst().compactMap(recipient(from:)).filter { $0.kind != nil }
        guard !recipients.isEmpty else { return nil }
        return BounceReport(
            recipients: recipients, originalMessageID: returnedMessageID(in: entities),
            reportAddresses: addresses, reportingMTA: typed(perMessage["reporting-mta"]), format: "rfc3464"
        )
    }

    static func recipient(from fields: [String: String]) -> BouncedRecipient? {
        guard let action = fields["action"]?.lowercased().trimmingWhitespace(), !action.isEmpty else { return nil }
        let final = typed(fields["final-recipient"]).flatMap(bareAddress)
        let original = typed(fields["original-recipient"]).flatMap(bareAddress)
        guard final != nil || original != nil else { return nil }
        // "5.1.1 (bad destination mailbox address)": Exchange and Gmail add a comment after the code.
        let status = fields["status"].flatMap { raw in
            raw.split(whereSeparator: { $0 == " " || $0 == "(" }).first.map(String.init)
        }.flatMap { StatusCode.isValid($0) ? $0 : nil }
        return BouncedRecipient(
            finalRecipient: final, originalRecipient: original, action: String(action.prefix { $0 != " " && $0 != "(" }),
            status: status, diagnosticCode: typed(fields["diagnostic-code"]), remoteMTA: typed(fields["remote-mta"])
        )
    }

    /// The Message-ID in the returned headers or message, the part after the status part.
    static func returnedMessageID(in entities: [MIMEEntity]) -> String? {
        for entity in entities {
            let type = entity.contentType.value
            guard ["text/rfc822-headers", "message/rfc822", "message/global", "message/global-headers"].contains(type) else { continue }
            let returned = MIMEEntity(entity.body)
            if let id = returned.header("message-id") { return messageID(id) }
        }
        return nil
    }

    static func fieldGroups(_ text: String) -> [[String: String]] {
        var groups: [[String: String]] = []
        var current: [String: String] = [:]
        var last: String?
        // Split on Characters that are line breaks: Swift reads CR LF as one Character, so splitting on "\n" alone
        // would leave a CRLF report in one piece.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine[...]
            if line.trimmingWhitespace().isEmpty {
                if !current.isEmpty { groups.append(current) }
                current = [:]
                last = nil
            } else if line.first == " " || line.first == "\t" {
                if let last { current[last, default: ""] += " " + line.trimmingWhitespace() }
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingWhitespace().lowercased()
                // The first occurrence counts: a repeated field is a malformed report, not a second value.
                if current[name] == nil { current[name] = line[line.index(after: colon)...].trimmingWhitespace() }
                last = name
            }
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    /// `rfc822; a@example.com` → `a@example.com`: the value after its type (RFC 3464 2.1.2), or as given without one.
    static func typed(_ value: String?) -> String? {
        guard let value else { return nil }
        let text = value.firstIndex(of: ";").map { value[value.index(after: $0)...] } ?? value[...]
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The address of `Name <a@b>`, `<a@b>` or `a@b`, lower-cased domain kept as written; nil for no address.
    public static func bareAddress(_ raw: String) -> String? {
        var text = raw.trimmingWhitespace()
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            text = String(text[text.index(after: open)..<close]).trimmingWhitespace()
        }
        guard let at = text.lastIndex(of: "@"), at != text.startIndex, text.index(after: at) != text.endIndex,
              !text.contains(" ") else { return nil }
        return text
    }

    /// `<id@host>` → `id@host`, the form Herald stores.
    static func messageID(_ raw: String) -> String? {
        var text = raw.trimmingWhitespace()
        if text.hasPrefix("<"), let close = text.firstIndex(of: ">") { text = String(text[text.index(after: text.startIndex)..<close]) }
        return text.isEmpty ? nil : text
    }
}

/// RFC 3463 status codes: `class.subject.detail`, class 2, 4 or 5, subject up to three digits, detail up to three.
public enum StatusCode {
    public static func isValid(_ code: String) -> Bool {
        let pieces = code.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 3, ["2", "4", "5"].contains(pieces[0]) else { return false }
        return pieces.dropFirst().allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    /// The first RFC 3463 code in a line of text (`... (#5.1.1)`, `550 5.7.1 ...`), for reports without a Status field.
    static func first(in text: some StringProtocol) -> String? {
        String(text).split(whereSeparator: { (character: Character) in !(character.isASCII && (character.isNumber || character == ".")) })
            .map(String.init).first(where: isValid)
    }
}

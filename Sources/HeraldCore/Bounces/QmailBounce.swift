/// qmail-send's plain-text bounce (the "QSBMF" format, cr.yp.to/proto/qsbmf.txt): an introduction, then one
/// `<address>:` paragraph per recipient with the remote server's words, then "--- Below this line is a copy of the
/// message." and the message. qmail never sends RFC 3464 reports, and its forks (netqmail, notqmail) still do this.
enum QmailBounce {
    static let introductions = ["This is the qmail-send program", "This is the qmail-local program"]
    static let copyMarker = "--- Below this line is a copy of the message"
    static let headersMarker = "--- Below this line is the original header"

    static func parse(_ message: MIMEEntity, addresses: [String]) -> BounceReport? {
        // qmail's report is plain text; a multipart one comes from something else that quotes it.
        guard message.parts.isEmpty else { return nil }
        let text = message.text
        guard introductions.contains(where: text.contains) else { return nil }
        var recipients: [BouncedRecipient] = []
        var copy: Substring?
        var current: (address: String, lines: [String])?
        func finish() {
            guard let (address, lines) = current else { return }
            let reason = lines.joined(separator: " ").trimmingWhitespace()
            let status = StatusCode.first(in: reason)
            recipients.append(BouncedRecipient(
                finalRecipient: address, action: status?.hasPrefix("4") == true ? "delayed" : "failed",
                status: status ?? "5.0.0", diagnosticCode: reason.isEmpty ? nil : reason
            ))
            current = nil
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        for (index, line) in lines.enumerated() {
            if line.hasPrefix(copyMarker) || line.hasPrefix(headersMarker) {
                finish()
                copy = lines[(index + 1)...].joined(separator: "\n")[...]
                break
            }
            if line.hasPrefix("<"), line.hasSuffix(">:"), let address = BounceParser.bareAddress(String(line.dropLast())) {
                finish()
                current = (address, [])
            } else if current != nil, !line.trimmingWhitespace().isEmpty {
                current?.lines.append(String(line))
            }
        }
        finish()
        guard !recipients.isEmpty else { return nil }
        let returned = copy.map { MIMEEntity(Array($0.drop { $0 == "\n" }.utf8)) }
        return BounceReport(
            recipients: recipients, originalMessageID: returned?.header("message-id").flatMap(BounceParser.messageID),
            reportAddresses: addresses, reportingMTA: nil, format: "qmail"
        )
    }
}

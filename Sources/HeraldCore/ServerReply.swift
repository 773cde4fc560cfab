/// Mail server replies as the dashboard groups them: the same rejection for different recipients should
/// count as one reason, so the parts that differ per message are blanked out.
public enum ServerReply {
    // Applied in order: the address in angle brackets first, so "<bob@x>" becomes "<address>", not "<address>>".
    nonisolated(unsafe) private static let rules: [(Regex<AnyRegexOutput>, String)] = [
        (try! Regex(#"<[^<>\s]*@[^<>\s]*>"#), "<address>"),
        (try! Regex(#"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+"#), "address"),
        // Queue ids and message ids: long tokens with digits in them (reply codes like 550 or 5.1.1 stay).
        (try! Regex(#"\b(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{8,}\b"#), "…"),
        (try! Regex(#"gave up after [0-9]+ attempt\(s\)"#), "gave up after retrying"),
    ]

    /// The reply with per-message details replaced, trimmed to 300 characters.
    public static func normalized(_ reply: String) -> String {
        var text = reply
        for (pattern, replacement) in rules {
            text = text.replacing(pattern, with: replacement)
        }
        text = text.trimmingWhitespace()
        return text.count > 300 ? String(text.prefix(299)) + "…" : text
    }
}

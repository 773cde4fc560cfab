/// The service extensions a server listed in its EHLO reply (RFC 5321 4.1.1.1).
public struct SMTPCapabilities: Sendable, Equatable {
    /// Keyword (upper-cased) to its parameters, as listed after the first EHLO line.
    public var extensions: [String: [String]]

    public init(extensions: [String: [String]] = [:]) {
        self.extensions = extensions
    }

    /// Parses the lines of a 250 reply to EHLO; the first line is the server's greeting.
    public init(ehloReply: SMTPReply) {
        var extensions: [String: [String]] = [:]
        for line in ehloReply.lines.dropFirst() {
            var words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard !words.isEmpty else { continue }
            var keyword = words.removeFirst().uppercased()
            // Some servers still send the pre-RFC 4954 form "AUTH=LOGIN PLAIN".
            if keyword.hasPrefix("AUTH=") {
                words.insert(String(keyword.dropFirst(5)), at: 0)
                keyword = "AUTH"
            }
            extensions[keyword, default: []].append(contentsOf: words)
        }
        self.extensions = extensions
    }

    public func supports(_ keyword: String) -> Bool { extensions[keyword.uppercased()] != nil }

    /// RFC 2920.
    public var pipelining: Bool { supports("PIPELINING") }
    /// RFC 3207.
    public var startTLS: Bool { supports("STARTTLS") }
    /// RFC 6152.
    public var eightBitMIME: Bool { supports("8BITMIME") }
    /// RFC 6531.
    public var smtpUTF8: Bool { supports("SMTPUTF8") }
    /// RFC 2034.
    public var enhancedStatusCodes: Bool { supports("ENHANCEDSTATUSCODES") }
    /// RFC 1870: the largest message the server accepts; nil when SIZE is not offered or has no
    /// limit (SIZE 0 or SIZE without a number).
    public var maximumMessageSize: Int? {
        guard let value = extensions["SIZE"]?.first, let size = Int(value), size > 0 else { return nil }
        return size
    }
    /// RFC 4954: the SASL mechanisms offered, upper-cased.
    public var authMechanisms: Set<String> { Set((extensions["AUTH"] ?? []).map { $0.uppercased() }) }
}

/// One server reply, possibly of several lines (RFC 5321 4.2.1).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    /// The three-digit reply code.
    public var code: Int
    /// The RFC 3463 status code ("5.1.1") when the server offers ENHANCEDSTATUSCODES (RFC 2034).
    public var enhancedCode: String?
    /// The text of each line, after the code and separator, exactly as sent.
    public var lines: [String]

    public init(code: Int, enhancedCode: String? = nil, lines: [String]) {
        self.code = code
        self.enhancedCode = enhancedCode
        self.lines = lines
    }

    /// 2xx: the command succeeded.
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 3xx: more input is expected (354 after DATA, 334 during AUTH).
    public var isPositiveIntermediate: Bool { (300..<400).contains(code) }
    public var isTransientNegative: Bool { (400..<500).contains(code) }
    public var isPermanentNegative: Bool { (500..<600).contains(code) }

    /// The text of all lines joined by a space, for error messages.
    public var text: String { lines.joined(separator: " ") }

    public var description: String { lines.isEmpty ? "\(code)" : "\(code) \(text)" }
}

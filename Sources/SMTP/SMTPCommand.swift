/// A command line the client sends (RFC 5321 4.1.1, RFC 3207, RFC 4954).
enum SMTPCommand: Sendable, Equatable, CustomStringConvertible {
    case ehlo(String)
    case helo(String)
    case startTLS
    /// AUTH with a SASL mechanism and optional base64 initial response (RFC 4954 4).
    case auth(mechanism: String, initialResponse: String?)
    /// A base64 line answering a 334 challenge.
    case authResponse(String)
    /// MAIL FROM:<path> followed by ESMTP parameters such as "SIZE=123", "BODY=8BITMIME", "SMTPUTF8".
    case mail(from: String, parameters: [String])
    case rcpt(to: String)
    case data
    case rset
    case noop
    case quit

    /// The command line without CRLF.
    var line: String {
        switch self {
        case .ehlo(let domain): "EHLO \(domain)"
        case .helo(let domain): "HELO \(domain)"
        case .startTLS: "STARTTLS"
        case .auth(let mechanism, nil): "AUTH \(mechanism)"
        case .auth(let mechanism, let response?): "AUTH \(mechanism) \(response)"
        case .authResponse(let response): response
        case .mail(let from, let parameters):
            parameters.isEmpty ? "MAIL FROM:<\(from)>" : "MAIL FROM:<\(from)> " + parameters.joined(separator: " ")
        case .rcpt(let to): "RCPT TO:<\(to)>"
        case .data: "DATA"
        case .rset: "RSET"
        case .noop: "NOOP"
        case .quit: "QUIT"
        }
    }

    /// The command as named in errors and logs: AUTH secrets are left out.
    var description: String {
        switch self {
        case .auth(let mechanism, _): "AUTH \(mechanism)"
        case .authResponse: "AUTH (credentials)"
        default: line
        }
    }
}

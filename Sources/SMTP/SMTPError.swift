/// Why a session or a transaction failed.
public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The server answered a command with 4xx or 5xx.
        case rejected
        /// A reply line that is not valid SMTP, or a reply that was not expected.
        case protocolViolation
        /// The TCP connection could not be opened, or was lost.
        case connectionFailed
        /// No reply within the RFC 5321 4.5.3.2 timeout.
        case timeout
        /// The TLS handshake failed, including an untrusted certificate or a wrong hostname.
        case tlsFailed
        /// `tlsMode` is `.startTLS` and the server does not offer STARTTLS.
        case startTLSNotOffered
        /// Credentials are set but the server offers neither PLAIN nor LOGIN.
        case authenticationNotOffered
        /// Credentials are set but the connection is not encrypted (see `allowsCleartextAuthentication`).
        case authenticationRequiresTLS
        /// The message is bigger than the server's SIZE (RFC 1870); refused without sending.
        case messageTooLarge
        /// An address is not ASCII and the server does not offer SMTPUTF8 (RFC 6531).
        case smtpUTF8NotOffered
        /// The message has 8-bit bytes and the server does not offer 8BITMIME (RFC 6152).
        case eightBitMIMENotOffered
        /// An address that cannot be put in a command (CR, LF, angle brackets, or empty recipients).
        case invalidEnvelope
        /// The configuration cannot be used (for example an unreadable CA file).
        case invalidConfiguration
        /// The session was closed (QUIT) before the transaction could run.
        case sessionClosed
    }

    public var kind: Kind
    /// For `.tlsFailed`: what was wrong, when it is known.
    public var tlsFailure: TLSFailure?
    /// The command that failed, as sent ("RCPT TO:<a@b>"); credentials are never included.
    public var command: String?
    public var reply: SMTPReply?
    /// What happened, in words, for kinds without a reply.
    public var message: String

    public init(_ kind: Kind, command: String? = nil, reply: SMTPReply? = nil, message: String = "") {
        self.kind = kind
        self.command = command
        self.reply = reply
        self.message = message
    }

    static func rejected(_ command: String, _ reply: SMTPReply) -> SMTPError {
        SMTPError(.rejected, command: command, reply: reply)
    }

    /// Whether the server refused this message or recipient (a reply to MAIL, RCPT or DATA), rather than the session
    /// failing (greeting, EHLO, STARTTLS, AUTH, a 421 closing the connection) before it was tried.
    public var refusesTheMessage: Bool {
        guard kind == .rejected, reply?.code != 421, let command else { return false }
        let sessionCommands = ["connection greeting", "EHLO", "HELO", "STARTTLS", "AUTH", "session"]
        return !sessionCommands.contains { command.hasPrefix($0) }
    }

    public var code: Int? { reply?.code }
    public var enhancedCode: String? { reply?.enhancedCode }

    /// Whether trying again later may succeed. 4xx, connection faults, timeouts, protocol
    /// violations and TLS failures are temporary; 5xx replies are permanent except 552, which
    /// RFC 5321 4.5.3.1.10 says clients should treat as temporary (historically "mailbox full").
    /// Local refusals and configuration mismatches are permanent: retrying cannot change them.
    public var isTemporary: Bool {
        switch kind {
        case .rejected:
            guard let code = reply?.code else { return true }
            return code < 500 || code == 552
        case .protocolViolation, .connectionFailed, .timeout, .tlsFailed, .sessionClosed:
            return true
        case .startTLSNotOffered, .authenticationNotOffered, .authenticationRequiresTLS,
            .messageTooLarge, .smtpUTF8NotOffered, .eightBitMIMENotOffered, .invalidEnvelope,
            .invalidConfiguration:
            return false
        }
    }

    public var description: String {
        var parts = ["SMTP \(kind.rawValue)"]
        if let command { parts.append("after \(command)") }
        if let reply { parts.append("server replied \(reply)") }
        if !message.isEmpty { parts.append(message) }
        return parts.joined(separator: ": ") + (isTemporary ? " (temporary)" : " (permanent)")
    }
}

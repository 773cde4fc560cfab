/// The limits of Herald's inbound SMTP listener, each enforced by `SMTPServerStateMachine` while it reads, so a
/// hostile or broken client costs a bounded amount of memory and work.
public struct SMTPSessionConfiguration: Sendable {
    /// Named in the greeting and in EHLO's reply.
    public var hostname: String
    /// Announced as `SIZE` and enforced while DATA is read (dot-unstuffed bytes, CRLFs included). A DSN with the
    /// returned headers is a few kilobytes; one returning the whole message is under the invitations' size.
    public var maximumMessageBytes = 10 * 1024 * 1024
    /// A command line, CRLF included (RFC 5321 4.5.3.1.4 says 512; a little room for ESMTP parameters).
    public var maximumCommandLineBytes = 1024
    /// A text line inside DATA, CRLF included. RFC 5321 says 1000; real bounces quote longer lines, so more room.
    public var maximumDataLineBytes = 8192
    /// RCPT TOs one transaction may name (RFC 5321 4.5.3.1.8 asks for at least 100; a bounce has one).
    public var maximumRecipients = 100
    /// Commands per connection; past it the connection is closed with 421.
    public var maximumCommands = 1000
    /// Refused commands (5xx) per connection; past it the connection is closed with 421.
    public var maximumErrors = 10
    /// Bytes read ahead while a recipient check or a delivery is awaited (pipelining); past it the connection is
    /// closed with 421, so a client cannot make the server buffer without bound.
    public var maximumPendingBytes = 64 * 1024

    public init(hostname: String) {
        self.hostname = hostname
    }
}

/// A received message: the envelope and the dot-unstuffed content, lines ending in CRLF.
public struct SMTPServerEnvelope: Sendable, Equatable {
    /// Empty for the null reverse-path (`MAIL FROM:<>`), which is what bounces carry.
    public let mailFrom: String
    public let recipients: [String]
    public let message: [UInt8]

    public init(mailFrom: String, recipients: [String], message: [UInt8]) {
        self.mailFrom = mailFrom
        self.recipients = recipients
        self.message = message
    }
}

/// What the receiver made of a message; the client is answered accordingly at the final dot.
public enum SMTPDeliveryOutcome: Sendable, Equatable {
    /// 250: the message is the receiver's responsibility now.
    case accepted
    /// 451 4.3.0: the client keeps the message and retries later (the database was away).
    case temporaryFailure(String)
    /// 554 5.6.0: the message is refused for good.
    case rejected(String)
}

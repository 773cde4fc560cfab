import NIOCore

/// One message to send: the SMTP envelope (RFC 5321 2.3.1) and the message itself.
public struct SMTPEnvelope: Sendable, Equatable {
    /// The reverse-path; empty for a null sender ("MAIL FROM:<>").
    public var sender: String
    public var recipients: [String]
    /// RFC 5322 text with CRLF line ends, not dot-stuffed: the client stuffs it on the wire.
    public var message: ByteBuffer

    public init(sender: String, recipients: [String], message: ByteBuffer) {
        self.sender = sender
        self.recipients = recipients
        self.message = message
    }
}

/// A recipient the server refused while the transaction went on for others.
public struct SMTPRecipientRejection: Sendable, Equatable {
    public var recipient: String
    public var error: SMTPError

    public init(recipient: String, error: SMTPError) {
        self.recipient = recipient
        self.error = error
    }
}

/// The outcome of a transaction in which at least one recipient was accepted.
public struct SMTPDeliveryReceipt: Sendable, Equatable {
    public var accepted: [String]
    public var rejected: [SMTPRecipientRejection]
    /// The server's reply to the final "." (usually carries its queue id).
    public var reply: SMTPReply

    public init(accepted: [String], rejected: [SMTPRecipientRejection], reply: SMTPReply) {
        self.accepted = accepted
        self.rejected = rejected
        self.reply = reply
    }
}

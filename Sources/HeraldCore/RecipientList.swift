import MIME

/// The outcome of reading recipients: every valid address with its line, and
/// every problem found. A list with errors is reported whole, so the
/// administrator can fix all of them in one go.
public struct RecipientList: Sendable {
    public var recipients: [(line: Int, address: EmailAddress)]
    public var errors: [RecipientListError]

    public init(recipients: [(line: Int, address: EmailAddress)] = [], errors: [RecipientListError] = []) {
        self.recipients = recipients
        self.errors = errors
    }

    public var addresses: [EmailAddress] { recipients.map(\.address) }

    /// True when there is at least one address and nothing to fix.
    public var isValid: Bool { errors.isEmpty && !recipients.isEmpty }
}

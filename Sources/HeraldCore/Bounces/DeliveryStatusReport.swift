/// Hard or soft, as RFC 3463 classes a status: 5.x.x is permanent (the address will not work), 4.x.x transient.
public enum BounceKind: String, Sendable, Hashable, Codable, CaseIterable {
    case hard
    case soft
}

/// One recipient's part of a delivery status notification (RFC 3464 2.3).
public struct BouncedRecipient: Sendable, Hashable {
    /// `Final-Recipient` without its address type: the address the reporting server tried.
    public var finalRecipient: String?
    /// `Original-Recipient` without its address type, when the sender asked for it (NOTIFY/ORCPT).
    public var originalRecipient: String?
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`, lower case.
    public var action: String
    /// The RFC 3463 status, `5.1.1`; nil when the report had none.
    public var status: String?
    /// `Diagnostic-Code` without its type (`smtp; `): the remote server's own words.
    public var diagnosticCode: String?
    public var remoteMTA: String?

    public init(finalRecipient: String?, originalRecipient: String? = nil, action: String, status: String?,
                diagnosticCode: String? = nil, remoteMTA: String? = nil) {
        self.finalRecipient = finalRecipient
        self.originalRecipient = originalRecipient
        self.action = action
        self.status = status
        self.diagnosticCode = diagnosticCode
        self.remoteMTA = remoteMTA
    }

    /// The address that bounced: the original recipient when given (it is what Herald sent to), else the final one.
    public var address: String? { originalRecipient ?? finalRecipient }

    /// Hard for a 5.x.x status (or `failed` without one), soft for 4.x.x (or `delayed`); nil for a success report.
    public var kind: BounceKind? {
        if let status, let first = status.first {
            if first == "5" { return .hard }
            if first == "4" { return .soft }
            if first == "2" { return nil }
        }
        switch action {
        case "failed": return .hard
        case "delayed": return .soft
        default: return nil
        }
    }

    /// What a person reads as the reason: the server's diagnostic, else the status code.
    public var reason: String { diagnosticCode ?? status.map { "status \($0)" } ?? action }
}

/// A parsed bounce: what the report says about each recipient, and what ties it to the message that bounced.
public struct BounceReport: Sendable, Hashable {
    /// The recipients that failed or were delayed; success notices (`delivered`, `relayed`, `expanded`) are left out.
    public var recipients: [BouncedRecipient]
    /// The `Message-ID` of the returned message (its headers ride along as `text/rfc822-headers` or `message/rfc822`).
    public var originalMessageID: String?
    /// Every address the report was sent to (`To`, `Delivered-To`, `X-Original-To`, `Envelope-To`): a VERP sender is among them.
    public var reportAddresses: [String]
    public var reportingMTA: String?
    /// `rfc3464` for a standard report, `qmail` for qmail-send's plain-text form.
    public var format: String

    public init(recipients: [BouncedRecipient], originalMessageID: String?, reportAddresses: [String], reportingMTA: String?, format: String) {
        self.recipients = recipients
        self.originalMessageID = originalMessageID
        self.reportAddresses = reportAddresses
        self.reportingMTA = reportingMTA
        self.format = format
    }
}

import Foundation

/// An action refused because of the invitation's state, with what the page or
/// API needs to explain it.
public struct InvitationLifecycleError: Error, Sendable, Hashable, CustomStringConvertible {
    public let action: InvitationLifecycle.Action
    /// The effective status at the time of the action.
    public let status: InvitationStatus
    public let expiresAt: Date

    public init(action: InvitationLifecycle.Action, status: InvitationStatus, expiresAt: Date) {
        self.action = action
        self.status = status
        self.expiresAt = expiresAt
    }

    public var description: String {
        let verb: String
        switch action {
        case .redeem: verb = "accepted"
        case .resend: verb = "resent"
        case .revoke: verb = "revoked"
        }
        switch status {
        case .accepted: return "this invitation has already been accepted and cannot be \(verb)"
        case .revoked: return "this invitation was revoked and cannot be \(verb)"
        case .expired: return "this invitation expired on \(Self.day(expiresAt)) and cannot be \(verb)"
        case .pending: return "this invitation is still pending and cannot be \(verb)"
        case .bounced: return "this invitation's email bounced and it cannot be \(verb)"
        }
    }

    /// `2026-11-24 18:33 UTC`: unambiguous in every language the pages are shown in.
    private static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date) + " UTC"
    }
}

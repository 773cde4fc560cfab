import Foundation

/// The rules for moving an invitation between states, as pure functions of the
/// stored status, the expiry and the current time:
///
///     pending ──redeem──▶ accepted
///        │  ╲──revoke──▶ revoked
///        │ (time passes)
///        ▼
///     expired ──resend──▶ pending (new link, expiry restarts)
///
/// The web app loads a row, asks here, and writes the answer in one transaction.
public enum InvitationLifecycle {
    public enum Action: String, Sendable, Hashable {
        case redeem, resend, revoke
    }

    /// The status a person should see: a pending invitation past its expiry is
    /// expired, even though the row still says pending. Expiry is exclusive: at
    /// `expiresAt` exactly the invitation no longer works.
    public static func effectiveStatus(stored: InvitationStatus, expiresAt: Date, now: Date) -> InvitationStatus {
        stored == .pending && now >= expiresAt ? .expired : stored
    }

    /// Checks that the invitation can be accepted now; returns the status to store.
    public static func redeem(stored: InvitationStatus, expiresAt: Date, now: Date) throws(InvitationLifecycleError) -> InvitationStatus {
        let status = effectiveStatus(stored: stored, expiresAt: expiresAt, now: now)
        guard status == .pending else { throw InvitationLifecycleError(action: .redeem, status: status, expiresAt: expiresAt) }
        return .accepted
    }

    /// Checks that a new link may be sent; returns the new expiry. Pending and
    /// expired invitations can be resent; accepted and revoked ones cannot (a
    /// revoked person is invited afresh, which leaves an audit trail).
    public static func resend(
        stored: InvitationStatus, expiresAt: Date, now: Date, validFor: TimeInterval
    ) throws(InvitationLifecycleError) -> Date {
        let status = effectiveStatus(stored: stored, expiresAt: expiresAt, now: now)
        // A bounced invitation may be sent again (to an address that works again, or after the suppression list
        // was cleared): resending makes it pending.
        guard status == .pending || status == .expired || status == .bounced else {
            throw InvitationLifecycleError(action: .resend, status: status, expiresAt: expiresAt)
        }
        return now.addingTimeInterval(validFor)
    }

    /// Checks that the invitation may be revoked; returns the status to store.
    /// An expired invitation can still be revoked, so a late resend cannot revive it.
    public static func revoke(stored: InvitationStatus, expiresAt: Date, now: Date) throws(InvitationLifecycleError) -> InvitationStatus {
        let status = effectiveStatus(stored: stored, expiresAt: expiresAt, now: now)
        guard status == .pending || status == .expired || status == .bounced else {
            throw InvitationLifecycleError(action: .revoke, status: status, expiresAt: expiresAt)
        }
        return .revoked
    }

    public static func canRedeem(stored: InvitationStatus, expiresAt: Date, now: Date) -> Bool {
        (try? redeem(stored: stored, expiresAt: expiresAt, now: now)) != nil
    }

    public static func canResend(stored: InvitationStatus, expiresAt: Date, now: Date) -> Bool {
        (try? resend(stored: stored, expiresAt: expiresAt, now: now, validFor: 0)) != nil
    }

    public static func canRevoke(stored: InvitationStatus, expiresAt: Date, now: Date) -> Bool {
        (try? revoke(stored: stored, expiresAt: expiresAt, now: now)) != nil
    }
}

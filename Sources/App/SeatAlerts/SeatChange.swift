import NIOConcurrencyHelpers

/// What a change made under `SeatLock` tells the alert check that follows it in the same transaction.
///
/// A first activation with a code takes one seat for one pending invitation: the pending invitations and the free
/// seats both fall by one, so invitations cannot have come to outnumber free seats, and `SeatAlerts.check` need not
/// count every pending invitation of the key again (an alert already recorded stays so until the next full check,
/// even where the overage keeps free seats at zero) (that count, once per activation, made 10,000
/// activations of one key take 253 s instead of 101 s on PostgreSQL). Every other change (a lapsed seat taken back,
/// a seat freed, a policy changed) leaves this unset and is checked in full.
///
/// The lock's body reaches it through `SeatChange.current`, a task local set for the body only.
final class SeatChange: Sendable {
    @TaskLocal static var current: SeatChange?

    private let seatForPendingInvitation = NIOLockedValueBox(false)

    /// Called by a change that took exactly one seat for exactly one pending invitation.
    func tookSeatForPendingInvitation() {
        seatForPendingInvitation.withLockedValue { $0 = true }
    }

    var invitationsAgainstFreeSeatsUnchanged: Bool {
        seatForPendingInvitation.withLockedValue { $0 }
    }
}

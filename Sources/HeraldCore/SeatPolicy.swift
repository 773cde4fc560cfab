/// Seat arithmetic for license keys. More invitations than seats are allowed:
/// seats go first come, first served, so inviting only warns (App's `SeatForecast` words it).
/// (The atomic check at activation time is the database's job; this is the rule.)
public struct SeatPolicy: Sendable {
    public init() {}

    /// True when one more machine may be activated.
    public func canActivate(seats: Int, used: Int) -> Bool {
        used < seats
    }

    /// Seats still free; never negative even if a key was shrunk below its use.
    public func freeSeats(seats: Int, used: Int) -> Int {
        max(0, seats - used)
    }

    /// How many of `invitations` (pending plus new) cannot get a seat if all activate.
    public func shortfall(seats: Int, used: Int, invitations: Int) -> Int {
        max(0, invitations - freeSeats(seats: seats, used: used))
    }
}

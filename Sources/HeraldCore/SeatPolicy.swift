/// Seat arithmetic for license keys. More invitations than seats are allowed:
/// seats go first come, first served, so inviting only warns (App's `SeatForecast` words it).
/// (The atomic check at activation time is the database's job; this is the rule.)
///
/// A key may allow an overage, as Keygen does: N % more activations than seats, for organizations that prefer
/// flagging the excess to blocking a user. The allowance is rounded down, so 10 seats with 15 % admit 11.
public struct SeatPolicy: Sendable {
    /// Overage percentages an administrator may choose; 0 (the default) refuses every activation beyond the seats.
    public static let overagePercentRange = 0...100

    public let overagePercent: Int

    /// `overagePercent` is clamped into `overagePercentRange`: callers validate input first, this keeps the arithmetic safe.
    public init(overagePercent: Int = 0) {
        self.overagePercent = min(max(overagePercent, Self.overagePercentRange.lowerBound), Self.overagePercentRange.upperBound)
    }

    /// How many installations may hold a seat at once: the seats plus the overage, rounded down.
    public func allowance(seats: Int) -> Int {
        let seats = max(0, seats)
        // seats is at most a million (`SeatCount.range`) and the percentage at most 100: no overflow.
        return seats + seats * overagePercent / 100
    }

    /// True when one more machine may be activated.
    public func canActivate(seats: Int, used: Int) -> Bool {
        used < allowance(seats: seats)
    }

    /// True when the installation that takes seat number `seatNumber` (1-based) is beyond the key's seats and
    /// only admitted by the overage: it is flagged as excess.
    public func isExcess(seatNumber: Int, seats: Int) -> Bool {
        seatNumber > seats
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

/// Seat arithmetic for license keys. More invitations than seats are allowed:
/// seats go first come, first served, so the policy only warns when inviting.
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

    /// A sentence for the invite form when the invitations outnumber the free
    /// seats, or nil when every invitee can get one.
    public func oversubscriptionWarning(seats: Int, used: Int, invitations: Int) -> String? {
        let free = freeSeats(seats: seats, used: used)
        let short = shortfall(seats: seats, used: used, invitations: invitations)
        guard short > 0 else { return nil }
        return "You are inviting \(Self.count(invitations, "person", "people")) but only "
            + "\(Self.count(free, "seat is", "seats are")) free. Seats go first come, first served: "
            + "\(Self.count(short, "person", "people")) will not be able to activate until a seat is freed."
    }

    private static func count(_ value: Int, _ singular: String, _ plural: String) -> String {
        "\(value) \(value == 1 ? singular : plural)"
    }
}

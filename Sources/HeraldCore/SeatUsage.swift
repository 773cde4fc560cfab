/// How a license key's seats stand: the figures the dashboard draws and the rule for "near its limit".
public struct SeatUsage: Sendable, Equatable, Codable {
    public enum Level: String, Sendable, Codable {
        /// Plenty of seats left.
        case ok
        /// 80 % or more of the seats are used: time to buy more before installs start failing.
        case nearLimit = "near-limit"
        /// Every seat is used (or more, if the key was shrunk): the next activation will be refused.
        case full
    }

    public let seats: Int
    public let used: Int
    /// Unused, unexpired activation codes of pending invitations: machines that may still ask for a seat.
    public let invited: Int

    public init(seats: Int, used: Int, invited: Int) {
        self.seats = max(0, seats)
        self.used = max(0, used)
        self.invited = max(0, invited)
    }

    public var free: Int { SeatPolicy().freeSeats(seats: seats, used: used) }
    /// The invitations that would still find a seat if they all activated now.
    public var invitedWithinFree: Int { min(invited, free) }
    /// Invitations that cannot get a seat if all activate (seats go first come, first served).
    public var shortfall: Int { SeatPolicy().shortfall(seats: seats, used: used, invitations: invited) }

    public var level: Level {
        if used >= seats { return .full }
        // Integer form of used / seats >= 0.8, so 4 of 5 and 8 of 10 both count.
        return used * 5 >= seats * 4 ? .nearLimit : .ok
    }

    /// Highlighted on the dashboard: near or at the limit, or more invitations out than free seats.
    public var needsAttention: Bool { level != .ok || shortfall > 0 }
}

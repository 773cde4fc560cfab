import Foundation

/// The alerts a license key's administrators get: seat use crossing 80 % and 100 %, pending invitations
/// outnumbering the free seats, and the key's expiry coming 30 and 7 days ahead. Each is sent once per crossing:
/// App records a crossing in a table with one row per key and alert, and removes the row (re-arming the alert)
/// once the condition no longer holds.
public enum SeatAlert: String, Sendable, Codable, CaseIterable {
    case seatsNearLimit = "seats-near-limit"
    case seatsFull = "seats-full"
    case invitationsOverFree = "invitations-over-free"
    case expiresIn30Days = "expires-in-30-days"
    case expiresIn7Days = "expires-in-7-days"

    public static let day: TimeInterval = 24 * 60 * 60

    /// The alerts whose condition holds for this usage, expiry and moment.
    public static func holding(usage: SeatUsage, expiresAt: Date?, now: Date) -> Set<SeatAlert> {
        var holding = expiryDue(expiresAt: expiresAt, now: now)
        if usage.level != .ok { holding.insert(.seatsNearLimit) }
        if usage.level == .full { holding.insert(.seatsFull) }
        if usage.shortfall > 0 { holding.insert(.invitationsOverFree) }
        return holding
    }

    /// The expiry warnings due at `now`: none once the key has expired, when there is nothing left to warn about.
    public static func expiryDue(expiresAt: Date?, now: Date) -> Set<SeatAlert> {
        guard let expiresAt, expiresAt > now else { return [] }
        let left = expiresAt.timeIntervalSince(now)
        var due: Set<SeatAlert> = []
        if left <= 30 * day { due.insert(.expiresIn30Days) }
        if left <= 7 * day { due.insert(.expiresIn7Days) }
        return due
    }

    /// Of the alerts that just crossed, the ones to email: the most urgent of the seat-use pair and of the expiry
    /// pair, so that a 1-seat key filling up, or a key created 5 days before its expiry, sends one email, not two.
    public static func toSend(newlyCrossed: Set<SeatAlert>) -> [SeatAlert] {
        var send: [SeatAlert] = []
        if newlyCrossed.contains(.seatsFull) { send.append(.seatsFull) } else if newlyCrossed.contains(.seatsNearLimit) { send.append(.seatsNearLimit) }
        if newlyCrossed.contains(.invitationsOverFree) { send.append(.invitationsOverFree) }
        if newlyCrossed.contains(.expiresIn7Days) { send.append(.expiresIn7Days) } else if newlyCrossed.contains(.expiresIn30Days) { send.append(.expiresIn30Days) }
        return send
    }

    /// Expiry warnings are the sweeper's; seat alerts follow seat changes.
    public var isExpiryWarning: Bool { self == .expiresIn30Days || self == .expiresIn7Days }
}

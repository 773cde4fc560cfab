import Foundation

/// How a license key's seats are held: node-locked (a seat is the computer's until it is deactivated, the default)
/// or leased (a seat is held while the computer checks in, and freed when it misses its window).
public enum SeatMode: String, Sendable, Codable, CaseIterable {
    case nodeLocked = "node-locked"
    case leased
}

/// The rules of leased seats and of deactivating from the client, shared by the console, the API and the CLI.
public enum SeatLease {
    /// Heartbeat windows an administrator may choose, in days.
    public static let windowDays = 1...365
    public static let defaultWindowDays = 7
    /// Deactivations from the client per computer in `deactivationPeriod`; 0 means only administrators deactivate.
    public static let deactivationsPerMonth = 0...100
    public static let defaultDeactivationsPerMonth = 3
    /// "Per month" as a rolling 30 days: the same length for every computer whatever its time zone or the calendar.
    public static let deactivationPeriod: TimeInterval = 30 * 24 * 60 * 60

    /// A check-in this soon after the recorded one is not written again: windows are whole days, so a product that
    /// checks in every few seconds (or a retry loop) costs a read, not a write.
    public static let recordingGranularity: TimeInterval = 60

    /// The last check-in a leased seat may have had at `now` and still be held.
    public static func cutoff(now: Date, windowDays: Int) -> Date {
        now.addingTimeInterval(-TimeInterval(windowDays) * 24 * 60 * 60)
    }

    /// When a seat checked in at `lastSeen` lapses.
    public static func expiry(lastSeen: Date, windowDays: Int) -> Date {
        lastSeen.addingTimeInterval(TimeInterval(windowDays) * 24 * 60 * 60)
    }

    /// How long until a computer may deactivate again, given its earlier client deactivations (nil: it may now).
    /// `limit` is at least 1: a key with 0 refuses every client deactivation, which callers say in other words.
    public static func deactivationWait(earlier: [Date], limit: Int, now: Date) -> TimeInterval? {
        let recent = earlier.filter { $0 > now.addingTimeInterval(-deactivationPeriod) }.sorted()
        guard limit > 0, recent.count >= limit else { return nil }
        // The count drops below the limit once this one is older than the period.
        let mustAgeOut = recent[recent.count - limit]
        return max(1, mustAgeOut.addingTimeInterval(deactivationPeriod).timeIntervalSince(now))
    }
}

import Foundation

/// Where Herald's rules read the time of day (when an activation code or a license key has expired).
/// `HeraldServices` owns one, taken from `Configuration.clock`: the system's in production; tests move their own
/// instead of sleeping until a deadline passes.
protocol WallClock: Sendable {
    var now: Date { get }
}

struct SystemWallClock: WallClock {
    var now: Date { Date() }
}

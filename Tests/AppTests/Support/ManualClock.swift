@testable import App
import Foundation
import NIOConcurrencyHelpers

/// A `WallClock` that moves only when a test moves it: a deadline passes at once, with no sleeping.
final class ManualClock: WallClock {
    private let current: NIOLockedValueBox<Date>

    init(_ start: Date = Date()) { current = NIOLockedValueBox(start) }

    var now: Date { current.withLockedValue { $0 } }

    func advance(by seconds: TimeInterval) { current.withLockedValue { $0 += seconds } }
}

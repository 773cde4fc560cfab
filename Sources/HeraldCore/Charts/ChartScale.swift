/// A linear scale from counts to lengths, with a "nice" maximum so axis ticks fall on round numbers
/// (0, 5, 10, 15 rather than 0, 4.6, 9.2).
public struct ChartScale: Sendable, Equatable {
    /// The value drawn at full length; at least 1 so that an empty chart still has an axis.
    public let maximum: Int
    /// Tick values from 0 to `maximum`, evenly spaced.
    public let ticks: [Int]
    public let length: Double

    public init(maximumValue: Int, length: Double, targetTicks: Int = 4) {
        let step = Self.niceStep(for: max(1, maximumValue), ticks: max(1, targetTicks))
        let top = max(1, Int((Double(max(1, maximumValue)) / Double(step)).rounded(.up))) * step
        self.maximum = top
        self.ticks = Array(stride(from: 0, through: top, by: step))
        self.length = length
    }

    /// The length for `value`, clamped to 0...length.
    public func scale(_ value: Int) -> Double {
        length * Double(min(max(0, value), maximum)) / Double(maximum)
    }

    /// The smallest step of the form 1, 2 or 5 × 10ⁿ that covers `value` in at most `ticks` steps.
    static func niceStep(for value: Int, ticks: Int) -> Int {
        var magnitude = 1
        while true {
            for factor in [1, 2, 5] where value <= factor * magnitude * ticks {
                return factor * magnitude
            }
            guard magnitude <= Int.max / 100 else { return magnitude * 10 }
            magnitude *= 10
        }
    }
}

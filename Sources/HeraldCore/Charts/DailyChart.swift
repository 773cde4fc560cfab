/// Two series per day (invitations sent and accepted) as lines over a fixed run of days, with a y axis on
/// round numbers and a date label every week. The lines differ in dash pattern as well as colour, so the
/// chart reads without colour too.
public struct DailyChart: Sendable {
    public struct Day: Sendable, Equatable {
        /// Shown under the axis, e.g. "11-24".
        public let label: String
        public let sent: Int
        public let accepted: Int

        public init(label: String, sent: Int, accepted: Int) {
            self.label = label
            self.sent = sent
            self.accepted = accepted
        }
    }

    public let title: String
    public let days: [Day]

    public init(title: String, days: [Day]) {
        self.title = title
        self.days = days
    }

    static let width = 720.0
    static let height = 220.0
    static let left = 40.0
    static let right = 12.0
    static let top = 28.0
    static let bottom = 28.0

    public var summary: String {
        let sent = days.reduce(0) { $0 + $1.sent }
        let accepted = days.reduce(0) { $0 + $1.accepted }
        let busiest = days.max { $0.sent < $1.sent }
        var text = "\(title): \(sent) sent and \(accepted) accepted over \(days.count) days"
        if let busiest, busiest.sent > 0 { text += "; most sent on \(busiest.label) (\(busiest.sent))" }
        return text + "."
    }

    public func svg(id: String) -> String {
        var canvas = SVGCanvas(width: Self.width, height: Self.height)
        let plotHeight = Self.height - Self.top - Self.bottom
        let plotWidth = Self.width - Self.left - Self.right
        let scale = ChartScale(maximumValue: days.map { max($0.sent, $0.accepted) }.max() ?? 0, length: plotHeight)
        for tick in scale.ticks {
            let y = Self.top + plotHeight - scale.scale(tick)
            canvas.line(x1: Self.left, y1: y, x2: Self.width - Self.right, y2: y, class: tick == 0 ? "chart-axis" : "chart-grid")
            canvas.text(String(tick), x: Self.left - 6, y: y + 4, anchor: .end, class: "chart-tick")
        }
        let step = days.count > 1 ? plotWidth / Double(days.count - 1) : 0
        func x(_ index: Int) -> Double { Self.left + (days.count > 1 ? Double(index) * step : plotWidth / 2) }
        func y(_ value: Int) -> Double { Self.top + plotHeight - scale.scale(value) }
        // Label the last day and every seventh before it, so "today" is always named.
        for index in days.indices where (days.count - 1 - index) % 7 == 0 {
            // The last label ends at the last point so it is not cut off at the chart's right edge.
            canvas.text(days[index].label, x: x(index), y: Self.height - 8, anchor: index == days.count - 1 ? .end : .middle, class: "chart-tick")
        }
        for (series, className, value) in [("sent", "series-sent", \Day.sent), ("accepted", "series-accepted", \Day.accepted)] {
            canvas.polyline(days.indices.map { (x($0), y(days[$0][keyPath: value])) }, class: "chart-line \(className)")
            for index in days.indices {
                canvas.circle(x: x(index), y: y(days[index][keyPath: value]), radius: 2.5, class: "chart-point \(className)",
                              tooltip: "\(days[index].label): \(days[index][keyPath: value]) \(series)")
            }
        }
        // Legend, top left: a short line sample in each series' style, then its name.
        for (offset, (name, className)) in [("Sent", "series-sent"), ("Accepted", "series-accepted")].enumerated() {
            let left = Self.left + Double(offset) * 110
            canvas.line(x1: left, y1: 12, x2: left + 24, y2: 12, class: "chart-line \(className)")
            canvas.text(name, x: left + 30, y: 16, class: "chart-label")
        }
        return canvas.render(id: id, title: title, summary: summary, class: "chart daily-chart")
    }
}

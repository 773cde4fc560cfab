/// One horizontal bar per stage of an invitation funnel (invited, delivered, opened, accepted, ...), all on
/// the scale of the largest stage, each with its label on the left and its count after the bar.
public struct FunnelChart: Sendable {
    public struct Stage: Sendable, Equatable {
        public let label: String
        public let value: Int
        /// A CSS class naming what the stage means (e.g. "good", "bad"), so the stylesheet can colour it.
        public let tone: String

        public init(label: String, value: Int, tone: String = "neutral") {
            self.label = label
            self.value = value
            self.tone = tone
        }
    }

    public let title: String
    public let stages: [Stage]

    public init(title: String, stages: [Stage]) {
        self.title = title
        self.stages = stages
    }

    static let width = 340.0
    static let labelWidth = 112.0
    static let valueWidth = 48.0
    static let rowHeight = 24.0
    static let barHeight = 16.0

    /// "Join invitations: invited 12, delivered 10, …": what the chart shows, as one sentence.
    public var summary: String {
        "\(title): " + stages.map { "\($0.label.lowercased()) \($0.value)" }.joined(separator: ", ")
    }

    public func svg(id: String) -> String {
        let height = Self.rowHeight * Double(stages.count) + 4
        var canvas = SVGCanvas(width: Self.width, height: height)
        let scale = ChartScale(maximumValue: stages.map(\.value).max() ?? 0, length: Self.width - Self.labelWidth - Self.valueWidth)
        for (index, stage) in stages.enumerated() {
            let top = 2 + Double(index) * Self.rowHeight
            let middle = top + Self.rowHeight / 2 + 4
            canvas.text(stage.label, x: Self.labelWidth - 8, y: middle, anchor: .end, class: "chart-label")
            canvas.rect(x: Self.labelWidth, y: top + (Self.rowHeight - Self.barHeight) / 2, width: Self.width - Self.labelWidth - Self.valueWidth,
                        height: Self.barHeight, class: "chart-track")
            let length = scale.scale(stage.value)
            canvas.rect(x: Self.labelWidth, y: top + (Self.rowHeight - Self.barHeight) / 2, width: length, height: Self.barHeight,
                        class: "chart-bar tone-\(stage.tone)", tooltip: "\(stage.label): \(stage.value)")
            canvas.text(String(stage.value), x: Self.labelWidth + length + 4, y: middle, class: "chart-value")
        }
        return canvas.render(id: id, title: title, summary: summary, class: "chart funnel-chart")
    }
}

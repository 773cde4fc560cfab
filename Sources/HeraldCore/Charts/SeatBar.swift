/// One license key's seats as a stacked bar: used, then invited-but-not-activated (as far as free seats
/// reach), then free. Invitations beyond the free seats are not drawn as seats; the bar's text says so.
public struct SeatBar: Sendable {
    public let keyName: String
    public let usage: SeatUsage

    public init(keyName: String, usage: SeatUsage) {
        self.keyName = keyName
        self.usage = usage
    }

    static let width = 240.0
    static let height = 18.0

    public var summary: String {
        var text = "\(usage.used) of \(usage.seats) seats used, \(usage.invited) invited but not activated, \(usage.free) free"
        if usage.shortfall > 0 { text += "; \(usage.shortfall) more invited than there are free seats" }
        return text + "."
    }

    public func svg(id: String) -> String {
        var canvas = SVGCanvas(width: Self.width, height: Self.height)
        let total = max(1, usage.seats)
        func length(_ seats: Int) -> Double { Self.width * Double(min(seats, total)) / Double(total) }
        let used = length(usage.used)
        let invited = min(length(usage.invitedWithinFree), Self.width - used)
        canvas.rect(x: 0, y: 0, width: Self.width, height: Self.height, class: "seat-free", tooltip: "\(usage.free) free")
        canvas.rect(x: 0, y: 0, width: used, height: Self.height, class: "seat-used seat-\(usage.level.rawValue)", tooltip: "\(usage.used) used")
        canvas.rect(x: used, y: 0, width: invited, height: Self.height, class: "seat-invited", tooltip: "\(usage.invited) invited")
        return canvas.render(id: id, title: "Seats of \(keyName)", summary: summary, class: "chart seat-bar")
    }
}

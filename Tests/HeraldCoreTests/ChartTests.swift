import Foundation
import Testing
@testable import HeraldCore

@Suite("Server-rendered charts")
struct ChartTests {
    @Test("text and attributes are escaped, and characters XML forbids are dropped")
    func escaping() {
        // given
        let hostile = "<script>alert('x')</script> & \"quotes\"\u{0}\u{7}"
        // when
        let escaped = XMLText.escape(hostile)
        // then
        #expect(escaped == "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;quotes&quot;")
        #expect(XMLText.identifier("9 keys/é") == "c-9-keys--")
    }

    @Test("numbers are written without exponents or negative zero")
    func numbers() {
        // given / when / then
        #expect(SVGCanvas.number(0.00001) == "0")
        #expect(SVGCanvas.number(-0.01) == "0")
        #expect(SVGCanvas.number(12.25) == "12.3")
        #expect(SVGCanvas.number(-3.5) == "-3.5")
        #expect(SVGCanvas.number(1e9) == "1000000000")
        #expect(SVGCanvas.number(.nan) == "0")
    }

    @Test("the scale ends on a round number and ticks evenly")
    func scale() {
        // given / when
        let small = ChartScale(maximumValue: 7, length: 100)
        let large = ChartScale(maximumValue: 93_000, length: 100)
        let empty = ChartScale(maximumValue: 0, length: 100)
        // then
        #expect(small.ticks == [0, 2, 4, 6, 8])
        #expect(large.ticks == [0, 50_000, 100_000])
        #expect(large.scale(50_000) == 50)
        #expect(empty.maximum == 1 && empty.scale(0) == 0)
        #expect(small.scale(-3) == 0 && small.scale(99) == 100)
    }

    @Test("a funnel chart is well-formed XML with one bar and one count per stage")
    func funnel() throws {
        // given
        let chart = FunnelChart(title: "Join <invitations>", stages: [
            .init(label: "Invited", value: 12), .init(label: "Delivered", value: 10, tone: "good"), .init(label: "Failed", value: 0, tone: "bad"),
        ])
        // when
        let parsed = XMLWellFormedness.check(chart.svg(id: "funnel-join"))
        // then
        #expect(parsed.error == nil)
        #expect(parsed.elements.filter { $0 == "rect" }.count == 6) // a track and a bar per stage
        #expect(parsed.text.contains("Join <invitations>: invited 12, delivered 10, failed 0"))
        #expect(chart.svg(id: "x").contains("role=\"img\""))
    }

    @Test("a daily chart has two lines, a point per day and the days named in its summary")
    func daily() throws {
        // given
        let days = (1...30).map { DailyChart.Day(label: "11-\($0)", sent: $0 == 20 ? 40 : $0 % 3, accepted: $0 % 2) }
        let chart = DailyChart(title: "Invitations per day", days: days)
        // when
        let svg = chart.svg(id: "daily")
        let parsed = XMLWellFormedness.check(svg)
        // then
        #expect(parsed.error == nil)
        #expect(parsed.elements.filter { $0 == "polyline" }.count == 2)
        #expect(parsed.elements.filter { $0 == "circle" }.count == 60)
        #expect(chart.summary.contains("most sent on 11-20 (40)"))
        #expect(svg.contains(">11-30<")) // the last day is always labelled
    }

    @Test("a daily chart of nothing still draws an axis")
    func emptyDaily() {
        // given / when
        let parsed = XMLWellFormedness.check(DailyChart(title: "t", days: []).svg(id: "d"))
        // then
        #expect(parsed.error == nil)
        #expect(parsed.elements.contains("line"))
    }

    @Test("a seat bar draws used, invited within free seats, and says what does not fit")
    func seatBar() throws {
        // given
        let usage = SeatUsage(seats: 10, used: 8, invited: 5)
        // when
        let bar = SeatBar(keyName: "Office & CAD", usage: usage)
        let svg = bar.svg(id: "seat-1")
        // then
        #expect(XMLWellFormedness.check(svg).error == nil)
        #expect(svg.contains("width=\"192\""))  // 8 of 10 seats of 240 px
        #expect(svg.contains("x=\"192\" y=\"0\" width=\"48\""))  // 2 invited fit in the 2 free seats
        #expect(bar.summary == "8 of 10 seats used, 5 invited but not activated, 2 free; 3 more invited than there are free seats.")
        #expect(svg.contains("Seats of Office &amp; CAD"))
    }
}

@Suite("SeatUsage")
struct SeatUsageTests {
    @Test("keys at 80 % or more are near their limit, and full at 100 %")
    func levels() {
        // given / when / then
        #expect(SeatUsage(seats: 10, used: 7, invited: 0).level == .ok)
        #expect(SeatUsage(seats: 10, used: 8, invited: 0).level == .nearLimit)
        #expect(SeatUsage(seats: 5, used: 4, invited: 0).level == .nearLimit)
        #expect(SeatUsage(seats: 5, used: 5, invited: 0).level == .full)
        #expect(SeatUsage(seats: 3, used: 7, invited: 0).level == .full)
        #expect(SeatUsage(seats: 1, used: 0, invited: 0).level == .ok)
    }

    @Test("more invitations than free seats needs attention even with seats left")
    func oversubscribed() {
        // given
        let usage = SeatUsage(seats: 100, used: 10, invited: 95)
        // when / then
        #expect(usage.level == .ok)
        #expect(usage.shortfall == 5)
        #expect(usage.invitedWithinFree == 90)
        #expect(usage.needsAttention)
        #expect(!SeatUsage(seats: 100, used: 10, invited: 90).needsAttention)
    }
}

import Foundation

/// A date typed as `YYYY-MM-DD`, read in UTC so that a key or an invitation ends at the same moment for everyone.
struct CalendarDay: Sendable {
    let start: Date

    init?(_ text: String) {
        let parts = text.split(separator: "-")
        // Bounded before Foundation's calendar arithmetic sees them: a 19-digit month must not reach it.
        guard parts.count == 3, parts[0].count == 4, parts[1].count <= 2, parts[2].count <= 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        // Rejects 2026-02-30 rather than rolling it over into March.
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        start = date
    }

    /// The day that `end` is the `endOfDay` of, when `end` is 00:00 UTC: how a date-only expiry is shown again.
    init?(lastDayBefore end: Date) {
        let seconds = end.timeIntervalSince1970
        guard seconds.truncatingRemainder(dividingBy: Self.length) == 0 else { return nil }
        start = end.addingTimeInterval(-Self.length)
    }

    private static let length: TimeInterval = 24 * 60 * 60

    /// The first instant after the day: "expires 2026-12-31" still works on the 31st.
    var endOfDay: Date { start.addingTimeInterval(Self.length) }
}

import Foundation

/// Dates as the console shows them: ISO-like, UTC, unambiguous in every locale.
enum DisplayDate {
    static func format(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeZone: .gmt)
            .year().month().day().time(includingFractionalSeconds: false)) + " UTC"
    }

    /// When something stops working. An expiry typed as a date (`CalendarDay`) is stored as the first instant after
    /// that day (00:00 UTC the next day), so it shows as the day that was typed: "2027-06-30", not
    /// "2027-07-01 00:00:00 UTC". Any other moment shows in full.
    static func expiry(_ end: Date?) -> String {
        guard let end else { return "—" }
        guard let day = CalendarDay(lastDayBefore: end) else { return format(end) }
        return day.start.formatted(Date.ISO8601FormatStyle(dateSeparator: .dash, timeZone: .gmt).year().month().day())
    }
}

import Foundation

/// Dates as the console shows them: ISO-like, UTC, unambiguous in every locale.
enum DisplayDate {
    static func format(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(Date.ISO8601FormatStyle(dateSeparator: .dash, dateTimeSeparator: .space, timeZone: .gmt)
            .year().month().day().time(includingFractionalSeconds: false)) + " UTC"
    }
}

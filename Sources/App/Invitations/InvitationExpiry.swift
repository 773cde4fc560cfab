import Foundation

/// "Expires in": 1, 3, 7, 14 or 30 days, or a date. Accepts `7`, `7d` and `2026-12-31` from forms, the API
/// and `--expires`.
enum InvitationExpiry {
    static let choices = [1, 3, 7, 14, 30]
    static let defaultDays = 7
    /// A temporary code should be temporary: a year is the longest an administrator may pick.
    static let longest: TimeInterval = 366 * 24 * 60 * 60

    static func parse(_ text: String?, field: String = "expires", now: Date = Date()) throws(ValidationProblems) -> Date {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        if text.isEmpty { return now.addingTimeInterval(TimeInterval(defaultDays) * 86_400) }
        let digits = text.hasSuffix("d") ? String(text.dropLast()) : text
        if let days = Int(digits) {
            guard choices.contains(days) else {
                throw ValidationProblems(["\(field): '\(text)' must be 1, 3, 7, 14 or 30 days, or a date YYYY-MM-DD"])
            }
            return now.addingTimeInterval(TimeInterval(days) * 86_400)
        }
        guard let day = CalendarDay(text) else {
            throw ValidationProblems(["\(field): '\(text)' must be 1, 3, 7, 14 or 30 days, or a date YYYY-MM-DD"])
        }
        guard day.endOfDay > now else { throw ValidationProblems(["\(field): \(text) is in the past"]) }
        guard day.endOfDay.timeIntervalSince(now) <= longest else {
            throw ValidationProblems(["\(field): \(text) is more than a year away"])
        }
        return day.endOfDay
    }
}

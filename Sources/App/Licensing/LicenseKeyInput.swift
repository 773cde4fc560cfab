import Foundation
import HeraldCore
import Vapor

/// What an administrator enters for a new license key, from the console form, the API or `herald license create`,
/// validated in one place so that all three name the same fields in their errors.
struct LicenseKeyInput: Sendable {
    /// The platforms a download page offers, in display order.
    static let platforms = ["macOS", "Windows", "Linux"]

    var name: String
    var product: String
    var seats: Int?
    /// `YYYY-MM-DD`; the key works through the end of that day (UTC).
    var expires: String?
    /// The real key; generated when empty.
    var secret: String?
    var downloads: [String: String] = [:]

    struct Validated: Sendable {
        let name: String
        let product: String
        let seats: Int
        let expiresAt: Date?
        let secret: String
        let downloads: [String: String]
    }

    /// Every problem at once, each starting with the field's name.
    func validate(now: Date = Date()) -> Result<Validated, ValidationProblems> {
        var problems: [String] = []
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let product = product.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { problems.append("name: is required") }
        if name.count > 100 { problems.append("name: must be at most 100 characters") }
        if product.isEmpty { problems.append("product: is required") }
        if product.count > 100 { problems.append("product: must be at most 100 characters") }
        problems += [SafeText.fieldProblem(name, field: "name"), SafeText.fieldProblem(product, field: "product")].compactMap { $0 }
        if let seats, !SeatCount.range.contains(seats) { problems.append("seats: must be between 1 and 1,000,000") }
        if seats == nil { problems.append("seats: is required (a whole number of at least 1)") }
        var expiresAt: Date?
        if let expires = expires?.trimmingCharacters(in: .whitespaces), !expires.isEmpty {
            if let day = CalendarDay(expires) {
                expiresAt = day.endOfDay
                if day.endOfDay <= now { problems.append("expires: \(expires) is in the past") }
            } else {
                problems.append("expires: '\(expires)' is not a date in the form YYYY-MM-DD")
            }
        }
        let secret = (secret ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if secret.count > 500 { problems.append("key: must be at most 500 characters") }
        if let problem = SafeText.fieldProblem(secret, field: "key") { problems.append(problem) }
        var cleanDownloads: [String: String] = [:]
        for (platform, url) in downloads {
            let url = url.trimmingCharacters(in: .whitespaces)
            guard !url.isEmpty else { continue }
            guard Self.platforms.contains(platform) else { problems.append("downloads: unknown platform '\(platform)'"); continue }
            guard let parsed = URL(string: url), ["https", "http"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                problems.append("download_\(platform.lowercased()): '\(url)' is not an http(s) URL")
                continue
            }
            cleanDownloads[platform] = url
        }
        guard problems.isEmpty, let seats else { return .failure(ValidationProblems(problems)) }
        return .success(Validated(
            name: name, product: product, seats: seats, expiresAt: expiresAt,
            secret: secret.isEmpty ? Self.generateSecret() : secret, downloads: cleanDownloads
        ))
    }

    /// 25 symbols of the unambiguous activation-code alphabet, e.g. `K7QH-M3XP-9TRD-WN4C-H2JA`.
    static func generateSecret() -> String { ActivationCode.generate().description }
}

/// A list of "field: what is wrong" lines; one `Abort` or one CLI error carries them all.
/// Over HTTP it is a 400 (or the given status) with the lines as the reason.
struct ValidationProblems: AbortError, CustomStringConvertible {
    let problems: [String]
    let status: HTTPResponseStatus
    init(_ problems: [String], status: HTTPResponseStatus = .badRequest) {
        self.problems = problems
        self.status = status
    }
    var description: String { problems.joined(separator: "; ") }
    var reason: String { description }
}

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

    /// The first instant after the day: "expires 2026-12-31" still works on the 31st.
    var endOfDay: Date { start.addingTimeInterval(24 * 60 * 60) }
}

import Foundation
import HeraldCore
import Vapor

/// What an administrator enters for a new license key, from the console form, the API or `herald license create`,
/// validated in one place so that all three name the same fields in their errors.
package struct LicenseKeyInput: Sendable {
    /// The platforms a download page offers, in display order.
    static let platforms = ["macOS", "Windows", "Linux"]

    package var name: String
    package var product: String
    package var seats: Int?
    /// `YYYY-MM-DD`; the key works through the end of that day (UTC).
    package var expires: String?
    /// The real key; generated when empty.
    package var secret: String?
    package var downloads: [String: String] = [:]
    /// Node-locked or leased, heartbeat window, deactivations, overage: left out, the defaults.
    var seatPolicy = SeatPolicyInput()

    package init(name: String, product: String, seats: Int?, expires: String? = nil, secret: String? = nil,
                 downloads: [String: String] = [:]) {
        self.name = name
        self.product = product
        self.seats = seats
        self.expires = expires
        self.secret = secret
        self.downloads = downloads
    }

    package struct Validated: Sendable {
        let name: String
        let product: String
        let seats: Int
        let expiresAt: Date?
        let secret: String
        let downloads: [String: String]
        let seatPolicy: SeatPolicyInput.Validated
    }

    /// Every problem at once, each starting with the field's name.
    package func validate(now: Date = Date()) -> Result<Validated, ValidationProblems> {
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
        let policy = seatPolicy.validateForNewKey()
        if case .failure(let policyProblems) = policy { problems += policyProblems.problems }
        guard problems.isEmpty, let seats, case .success(let validatedPolicy) = policy else { return .failure(ValidationProblems(problems)) }
        return .success(Validated(
            name: name, product: product, seats: seats, expiresAt: expiresAt,
            secret: secret.isEmpty ? Self.generateSecret() : secret, downloads: cleanDownloads, seatPolicy: validatedPolicy
        ))
    }

    /// 25 symbols of the unambiguous activation-code alphabet, e.g. `K7QH-M3XP-9TRD-WN4C-H2JA`.
    static func generateSecret() -> String { ActivationCode.generate().description }
}

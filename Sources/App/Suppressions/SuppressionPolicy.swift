import Fluent
import Foundation
import HeraldCore

/// An organization's soft-bounce threshold and reminder steps: its `DeliverabilitySettings` row, or the defaults.
struct SuppressionPolicy: Sendable, Equatable {
    /// Soft bounces within the window that suppress an address.
    var softBounceLimit = 3
    var softBounceWindowDays = 7
    /// Days before expiry, largest first.
    var reminderDays: [InvitationKind: [Int]] = [.join: [3, 1], .install: [3, 1]]

    static let softBounceLimits = 1...100
    static let softBounceWindows = 1...365
    /// A step further out than the longest validity would never come; one of 0 days would come after expiry.
    static let reminderDayRange = 1...InvitationValidityDays.range.upperBound
    static let maximumSteps = 5
    /// Kinds that have something to remind of: a client invitation grants nothing and carries no Herald link.
    static let remindedKinds: [InvitationKind] = [.join, .install]

    static func load(organizationID: UUID, on db: any Database) async throws -> SuppressionPolicy {
        guard let row = try await DeliverabilitySettings.query(on: db).filter(\.$organization.$id == organizationID).first() else {
            return SuppressionPolicy()
        }
        return SuppressionPolicy(
            softBounceLimit: row.softBounceLimit, softBounceWindowDays: row.softBounceWindowDays,
            reminderDays: [.join: Self.steps(row.joinReminderDays) ?? [], .install: Self.steps(row.installReminderDays) ?? []]
        )
    }

    func save(organizationID: UUID, actor: AuditActor, on db: any Database) async throws {
        try await db.transaction { db in
            let row = try await DeliverabilitySettings.query(on: db).filter(\.$organization.$id == organizationID).first()
                ?? DeliverabilitySettings()
            row.$organization.id = organizationID
            row.softBounceLimit = softBounceLimit
            row.softBounceWindowDays = softBounceWindowDays
            row.joinReminderDays = Self.text(reminderDays[.join] ?? [])
            row.installReminderDays = Self.text(reminderDays[.install] ?? [])
            try await row.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .deliverabilitySettingsChanged,
                                      targetType: "organization", targetID: organizationID, targetLabel: "deliverability",
                                      details: summary)
        }
    }

    var summary: String {
        "suppress after \(softBounceLimit) soft bounce(s) in \(softBounceWindowDays) day(s); reminders: join "
            + Self.text(reminderDays[.join] ?? []) + ", install " + Self.text(reminderDays[.install] ?? [])
    }

    static func text(_ steps: [Int]) -> String { steps.map(String.init).joined(separator: ",") }

    /// "3, 1" → [3, 1]; nil when a part is not a whole number in range, or there are too many.
    static func steps(_ text: String) -> [Int]? {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == " " }).filter { !$0.isEmpty }
        var steps: [Int] = []
        for part in parts {
            guard part.utf8.count <= 3, let day = Int(part), reminderDayRange.contains(day) else { return nil }
            if !steps.contains(day) { steps.append(day) }
        }
        return steps.count <= maximumSteps ? steps.sorted(by: >) : nil
    }

    /// Each out-of-range field named, for the console form and the API.
    static func problems(softBounceLimit: Int?, softBounceWindowDays: Int?, join: String?, install: String?) -> [String] {
        var problems: [String] = []
        if let limit = softBounceLimit, !softBounceLimits.contains(limit) {
            problems.append("softBounceLimit: must be a whole number from \(softBounceLimits.lowerBound) to \(softBounceLimits.upperBound)")
        }
        if let days = softBounceWindowDays, !softBounceWindows.contains(days) {
            problems.append("softBounceWindowDays: must be a whole number from \(softBounceWindows.lowerBound) to \(softBounceWindows.upperBound)")
        }
        for (field, text) in [("joinReminderDays", join), ("installReminderDays", install)] {
            if let text, steps(text) == nil {
                problems.append("\(field): at most \(maximumSteps) whole numbers of days from \(reminderDayRange.lowerBound) to \(reminderDayRange.upperBound), separated by commas")
            }
        }
        return problems
    }
}

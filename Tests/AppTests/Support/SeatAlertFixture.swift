@testable import App
import Fluent
import Foundation
import HeraldCore
import Vapor

/// The people a key's seat alerts go to, and some they must not: an English and a German account administrator, a
/// Japanese license administrator of the key, a regular member, a blocked administrator and a license administrator
/// of another key.
struct SeatAlertPeople {
    let recipients: [(email: String, language: Language)]
    let bystanders: [String]

    static func add(_ app: Application, organization: Organization, key: LicenseKey, otherKey: LicenseKey? = nil) async throws -> SeatAlertPeople {
        let organizationID = try organization.requireID()
        func person(_ email: String, language: Language, role: MembershipRole, status: MembershipStatus = .active) async throws -> Membership {
            let account = Account(email: email, name: email.split(separator: "@")[0].capitalized, passwordHash: "x")
            account.language = language.rawValue
            try await account.create(on: app.db)
            let membership = Membership(organizationID: organizationID, accountID: try account.requireID(), role: role, status: status)
            try await membership.create(on: app.db)
            return membership
        }
        _ = try await person("ada@example.com", language: .en, role: .administrator)
        _ = try await person("grete@example.com", language: .de, role: .administrator)
        let licenseAdministrator = try await person("yui@example.com", language: .ja, role: .member)
        try await LicenseKeyAdministrator(membershipID: try licenseAdministrator.requireID(), licenseKeyID: try key.requireID()).create(on: app.db)
        _ = try await person("member@example.com", language: .fr, role: .member)
        _ = try await person("blocked@example.com", language: .en, role: .administrator, status: .blocked)
        if let otherKey {
            let other = try await person("other@example.com", language: .es, role: .member)
            try await LicenseKeyAdministrator(membershipID: try other.requireID(), licenseKeyID: try otherKey.requireID()).create(on: app.db)
        }
        return SeatAlertPeople(
            recipients: [("ada@example.com", .en), ("grete@example.com", .de), ("yui@example.com", .ja)],
            bystanders: ["member@example.com", "blocked@example.com", "other@example.com"]
        )
    }

    /// How many emails of `alert` each person got, recognised by the subject in their language.
    func counts(_ app: Application, _ alert: SeatAlert, key: LicenseKey, used: Int = 0, seats: Int? = nil) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (email, language) in recipients {
            let facts = SeatAlertEmail.Facts(organization: "", keyName: key.name, product: key.product,
                                             usage: SeatUsage(seats: seats ?? key.seats, used: used, invited: 0), expiresAt: key.expiresAt, keyURL: "")
            let subject = SeatAlertEmail.content(alert, facts, language: language, catalog: app.herald.catalog).subject
            counts[email] = try await OutboxReader.messages(app, to: email).filter { $0.subject == subject }.count
        }
        return counts
    }

    /// Every recipient got exactly `expected` of `alert`.
    func expect(_ app: Application, _ alert: SeatAlert, key: LicenseKey, used: Int = 0, times expected: Int) async throws -> Bool {
        try await counts(app, alert, key: key, used: used).values.allSatisfy { $0 == expected }
    }

    /// Emails to people who must get none.
    func strayMail(_ app: Application) async throws -> Int {
        var count = 0
        for email in bystanders { count += try await OutboxReader.messages(app, to: email).count }
        return count
    }
}

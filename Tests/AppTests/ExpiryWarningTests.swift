@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor

/// Expiry warnings (#20): 30 and 7 days before a key expires, one email per step to the key's administrators, however
/// often and on however many instances the sweeper runs (SQLite and PostgreSQL).
@Suite("Expiry warnings")
struct ExpiryWarningTests {
    static let day = SeatAlert.day

    /// Every instance sweeps twice, all at once.
    static func sweepEverywhere(_ instances: [Application]) async throws {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for instance in instances + instances {
                group.addTask {
                    try await ExpiryWarnings.sweep(seatLock: instance.herald.seatLock, alerts: instance.herald.seatAlerts, on: instance.db)
                }
            }
            try await group.waitForAll()
        }
    }

    static func lastDay(daysAhead: Int) -> String {
        let day = Date().addingTimeInterval(Double(daysAhead) * Self.day)
        return day.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
    }

    @Test("30 and 7 days ahead: one warning each per administrator, though two instances sweep twice each time")
    func warnsOncePerStep() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in try await SeatLeaseRaceTests.withInstances(of: app) { instances in
            // given: a key expiring in about 40 days, its administrators
            let (organization, key) = try await LicenseFixtures.key(app, seats: 5, expires: Self.lastDay(daysAhead: 40))
            let people = try await SeatAlertPeople.add(app, organization: organization, key: key)
            let expiresAt = try #require(key.expiresAt)

            // when: swept 31 days ahead of the expiry
            clock.advance(by: expiresAt.timeIntervalSince(clock.now) - 31 * Self.day)
            try await Self.sweepEverywhere(instances)
            // then: nothing yet
            #expect(try await people.counts(app, .expiresIn30Days, key: key).values.allSatisfy { $0 == 0 })

            // when: swept 29 days ahead, then again an hour later
            clock.advance(by: 2 * Self.day)
            try await Self.sweepEverywhere(instances)
            clock.advance(by: 3600)
            try await Self.sweepEverywhere(instances)
            // then: one 30-day warning each, no 7-day one
            let thirty = try await people.counts(app, .expiresIn30Days, key: key)
            #expect(thirty.values.allSatisfy { $0 == 1 }, "\(thirty)")
            #expect(try await people.counts(app, .expiresIn7Days, key: key).values.allSatisfy { $0 == 0 })

            // when: swept 6 days ahead, twice
            clock.advance(by: expiresAt.timeIntervalSince(clock.now) - 6 * Self.day)
            try await Self.sweepEverywhere(instances)
            try await Self.sweepEverywhere(instances)
            // then: one 7-day warning each, still one 30-day warning, nobody else told
            let seven = try await people.counts(app, .expiresIn7Days, key: key)
            #expect(seven.values.allSatisfy { $0 == 1 }, "\(seven)")
            #expect(try await people.counts(app, .expiresIn30Days, key: key).values.allSatisfy { $0 == 1 })
            #expect(try await people.strayMail(app) == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .licenseExpiryWarningSent).count() == 2)

            // when: the key has expired
            clock.advance(by: 7 * Self.day)
            // then: nothing left to warn about
            #expect(try await ExpiryWarnings.sweep(seatLock: app.herald.seatLock, alerts: app.herald.seatAlerts, on: app.db) == 0)
        } }
    }

    @Test("a key first swept 5 days before its expiry gets the 7-day warning only")
    func lateKeyGetsOneWarning() async throws {
        try await withHerald { app in
            // given
            let (organization, key) = try await LicenseFixtures.key(app, seats: 5, expires: Self.lastDay(daysAhead: 5))
            let people = try await SeatAlertPeople.add(app, organization: organization, key: key)
            // when
            try await Self.sweepEverywhere([app])
            // then
            #expect(try await people.counts(app, .expiresIn7Days, key: key).values.allSatisfy { $0 == 1 })
            #expect(try await people.counts(app, .expiresIn30Days, key: key).values.allSatisfy { $0 == 0 })
        }
    }
}

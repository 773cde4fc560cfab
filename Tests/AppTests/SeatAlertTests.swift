@testable import App
import Fluent
import Foundation
import HeraldCore
import MIME
import Testing
import Vapor
import VaporTesting

/// Seat alerts (#20): one email per crossing of 80 % and 100 % of a key's seats and of invitations outnumbering the
/// free seats, to the key's administrators in their languages, however many activations cross at once and on
/// however many instances; re-armed once use falls below the threshold (SQLite and PostgreSQL).
@Suite("Seat alerts")
struct SeatAlertTests {
    static func deactivate(_ app: Application, _ key: LicenseKey, count: Int) async throws {
        let active = try await Installation.query(on: app.db).filter(\.$licenseKey.$id == key.requireID()).filter(\.$status == .active)
            .sort(\.$activatedAt).range(..<count).all()
        for installation in active {
            _ = try await InstallationActions.apply(.deactivate, installationID: try installation.requireID(), keyID: try key.requireID(),
                                                    actor: .commandLine, seatLock: app.herald.seatLock, on: app.db)
        }
    }

    @Test("30 clients racing for 10 seats: one 80 % and one full email per administrator, in their languages; again after falling below")
    func concurrentActivationsAlertOncePerCrossing() async throws {
        try await withHerald { app in try await SeatLeaseRaceTests.withInstances(of: app) { instances in
            // given: 10 seats, 30 people invited, three administrators of the key and three people who are not
            let invited = try await LicenseFixtures.invite(app, seats: 10, people: 30)
            let (_, otherKey) = try await LicenseFixtures.key(app, organization: invited.organization, seats: 5)
            let people = try await SeatAlertPeople.add(app, organization: invited.organization, key: invited.key, otherKey: otherKey)
            let codes = invited.codes
            _ = try await app.herald.webhookEndpoints(organizationID: try invited.organization.requireID(), actor: .commandLine).create(
                WebhookEndpointInput(url: "https://hooks.example.com/herald", eventTypes: ["seats.near_limit", "seats.full"]), on: app.db)
            @Sendable func events(_ type: WebhookEventType) async throws -> Int {
                try await WebhookDelivery.query(on: app.db).filter(\.$eventType == type.rawValue).count()
            }

            // when: everyone activates at once, through every instance
            let statuses = try await SeatLeaseRaceTests.race(instances, Array(0..<30)) { app, client in
                try await LicenseFixtures.activate(app, code: codes[client], fingerprint: "fp-alert-\(client)")
            }

            // then: 10 seats taken, one email per threshold and person, in their language, none to anyone else
            #expect(statuses.values.filter { $0 == 201 }.count == 10)
            let nearLimit = try await people.counts(app, .seatsNearLimit, key: invited.key, used: 8)
            let full = try await people.counts(app, .seatsFull, key: invited.key, used: 10)
            #expect(nearLimit.values.allSatisfy { $0 == 1 }, "\(nearLimit)")
            #expect(full.values.allSatisfy { $0 == 1 }, "\(full)")
            #expect(try await people.strayMail(app) == 0)
            let alerts = try await AuditEvent.query(on: app.db).filter(\.$action == .licenseSeatAlertSent).all()
            #expect(alerts.filter { $0.details?.hasPrefix("seats-") == true }.count == 2, "\(alerts.map(\.details))")
            #expect(try await events(.seatsNearLimit) == 1)
            #expect(try await events(.seatsFull) == 1)

            // when: use falls to 9 (below full) and the key fills again
            try await Self.deactivate(app, invited.key, count: 1)
            let refused = statuses.filter { $0.value == 422 }.map(\.key).sorted()
            #expect(try await LicenseFixtures.activate(app, code: codes[refused[0]], fingerprint: "fp-again-0").status == .created)
            // then: a second full email, no second 80 % one (use never fell below 80 %)
            #expect(try await people.expect(app, .seatsFull, key: invited.key, used: 10, times: 2))
            #expect(try await people.expect(app, .seatsNearLimit, key: invited.key, used: 8, times: 1))
            #expect(try await events(.seatsFull) == 2)

            // when: use falls to 7 (below 80 %) and climbs back to 8
            try await Self.deactivate(app, invited.key, count: 3)
            #expect(try await LicenseFixtures.activate(app, code: codes[refused[1]], fingerprint: "fp-again-1").status == .created)
            // then: a second 80 % email
            #expect(try await people.expect(app, .seatsNearLimit, key: invited.key, used: 8, times: 2))
        } }
    }

    @Test("invitations outnumbering the free seats: one email per crossing, re-armed when they no longer do")
    func invitationsOverFreeSeats() async throws {
        try await withHerald { app in
            // given: 5 seats, the administrators in place before anyone is invited
            let (organization, key) = try await LicenseFixtures.key(app, seats: 5)
            let people = try await SeatAlertPeople.add(app, organization: organization, key: key)
            func invite(_ addresses: [String]) async throws {
                _ = try await InstallInvitationBatch.send(.init(
                    keyID: try key.requireID(), recipients: try addresses.map { try EmailAddress($0) }, language: .en,
                    expiresAt: Date().addingTimeInterval(7 * 86_400), inviterID: nil, actor: .commandLine
                ), mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets, turns: app.herald.installInvitationTurns, on: app.db)
            }

            // when: 5 invited (as many as free), then 2 more, then 3 more
            try await invite((0..<5).map { "p\($0)@example.com" })
            let before = try await people.counts(app, .invitationsOverFree, key: key)
            try await invite(["p5@example.com", "p6@example.com"])
            try await invite(["p7@example.com", "p8@example.com", "p9@example.com"])

            // then: nothing while they fit, one email when they first outnumbered the seats
            #expect(before.values.allSatisfy { $0 == 0 })
            #expect(try await people.expect(app, .invitationsOverFree, key: key, times: 1))
            #expect(try await people.strayMail(app) == 0)
        }
    }

    @Test("checks racing outside the seat lock, through every instance, still send a crossing once: the unique row decides")
    func uniqueRowDecidesWithoutTheLock() async throws {
        try await withHerald { app in try await SeatLeaseRaceTests.withInstances(of: app) { instances in
            // given: a full 1-seat key whose alert rows were removed, as if nobody had checked it yet
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 1)
            #expect(try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-unique").status == .created)
            try await SeatAlertRecord.query(on: app.db).delete()
            let people = try await SeatAlertPeople.add(app, organization: invited.organization, key: invited.key)
            let keyID = try invited.key.requireID()

            // when: 20 checks at once, each in a transaction of its own
            let mailed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    let instance = instances[index % instances.count]
                    group.addTask { try await instance.db.transaction { try await instance.herald.seatAlerts.check(keyID: keyID, on: $0) } }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }

            // then: one of them sent, one full email each, both rows recorded once
            #expect(mailed == 1)
            let full = try await people.counts(app, .seatsFull, key: invited.key, used: 1)
            #expect(full.values.allSatisfy { $0 == 1 }, "\(full)")
            let rows = try await SeatAlertRecord.query(on: app.db).all().map(\.alert)
            #expect(rows.sorted { $0.rawValue < $1.rawValue } == [.seatsFull, .seatsNearLimit])
        } }
    }
}

@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// 2,000 computers racing for 100 leased seats, half of them going silent (#20), on SQLite and PostgreSQL; in the
/// PostgreSQL pass through two application instances on one database (each with its own connection pool, write
/// queue and sweeper), as two `herald serve` behind a load balancer would be. The clock is the app's `WallClock`,
/// moved by the test.
@Suite("Seat lease races")
struct SeatLeaseRaceTests {
    static let clients = 2000
    static let seats = 100

    /// `app`, and on PostgreSQL a second application on its database configured alike (sharing its clock), shut
    /// down before `app` drops the database.
    static func withInstances(of app: Application, _ body: ([Application]) async throws -> Void) async throws {
        guard TestDatabase.isPostgres else { return try await body([app]) }
        let second = try await Application.make(.testing)
        do {
            try await configure(second, configuration: app.herald.configuration)
            try await body([app, second])
            try await second.asyncShutdown()
        } catch {
            try? await second.asyncShutdown()
            throw error
        }
    }

    /// Sends every request at once, client `i` through instance `i % count`; a 503 (every pooled connection busy)
    /// is asked again, as a product would. Returns each client's final status.
    static func race(_ instances: [Application], _ clients: [Int],
                     _ request: @escaping @Sendable (Application, Int) async throws -> TestingHTTPResponse) async throws -> [Int: UInt] {
        try await withThrowingTaskGroup(of: (Int, UInt).self) { group in
            for client in clients {
                group.addTask {
                    let app = instances[client % instances.count]
                    var response = try await request(app, client)
                    for _ in 0..<5 where response.status == .serviceUnavailable {
                        try await Task.sleep(for: .seconds(1))
                        response = try await request(app, client)
                    }
                    return (client, response.status.code)
                }
            }
            return try await group.reduce(into: [Int: UInt]()) { $0[$1.0] = $1.1 }
        }
    }

    /// No seat held twice: at most `seats` active installations, one per computer and one per code.
    static func expectSeatsHeldOnce(_ app: Application, active expected: Int) async throws {
        let active = try await Installation.query(on: app.db).filter(\.$status == .active).all()
        #expect(active.count == expected)
        #expect(active.count <= seats)
        #expect(Set(active.map(\.fingerprint)).count == active.count, "a computer holds two seats")
        #expect(Set(active.compactMap { $0.$activationCode.id }).count == active.count, "a code holds two seats")
    }

    @Test("2,000 clients on 100 leased seats, half silent: exactly the silent lapse, exactly as many waiting clients get seats")
    func halfGoSilent() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in try await Self.withInstances(of: app) { instances in
            // given: 100 seats leased for 7 days, 2,000 invitations
            let invited = try await LicenseFixtures.invite(app, seats: Self.seats, people: Self.clients,
                                                           expiresAt: clock.now.addingTimeInterval(60 * 86_400))
            try await SeatLeaseTests.lease(app, invited.key, days: 7)
            let codes = invited.codes
            @Sendable func activate(_ app: Application, _ client: Int) async throws -> TestingHTTPResponse {
                try await LicenseFixtures.activate(app, code: codes[client], fingerprint: "fp-race-\(client)")
            }

            // when: everyone activates at once
            let first = try await Self.race(instances, Array(0..<Self.clients), activate)
            // then
            let holders = first.filter { $0.value == 201 }.map(\.key).sorted()
            #expect(holders.count == Self.seats)
            #expect(first.values.filter { $0 == 422 }.count == Self.clients - Self.seats, "\(Set(first.values))")
            try await Self.expectSeatsHeldOnce(app, active: Self.seats)
            let installations = try await Installation.query(on: app.db).filter(\.$status == .active).all()
            let byClient = Dictionary(uniqueKeysWithValues: try installations.map {
                (Int($0.fingerprint.dropFirst("fp-race-".count))!, try $0.requireID())
            })
            let keys = byClient.mapValues { app.herald.activation.installationKeys.key(for: $0) }
            let steady = Array(holders.prefix(Self.seats / 2)), silent = Array(holders.dropFirst(Self.seats / 2))
            let waiting = Array(Set(0..<Self.clients).subtracting(holders))
            @Sendable func heartbeat(_ app: Application, _ client: Int) async throws -> TestingHTTPResponse {
                try await SeatLeaseTests.send(app, .POST, "/api/v1/installations/\(byClient[client]!)/heartbeat", bearer: keys[client]!)
            }

            // when: four days later the steady half checks in while the waiting ones try again
            clock.advance(by: 4 * 86_400)
            let checkIns = try await Self.race(instances, steady, heartbeat)
            let tooEarly = try await Self.race(instances, waiting, activate)
            // then
            #expect(checkIns.values.allSatisfy { $0 == 200 }, "\(Set(checkIns.values))")
            #expect(tooEarly.values.allSatisfy { $0 == 422 }, "\(Set(tooEarly.values))")

            // when: eight days after activation every instance sweeps, twice, while the steady half checks in again
            clock.advance(by: 4 * 86_400)
            let swept = try await withThrowingTaskGroup(of: Int.self) { group in
                for instance in instances + instances {
                    group.addTask { try await LeaseSweeper.sweep(seatLock: instance.herald.seatLock, now: clock.now, on: instance.db) }
                }
                group.addTask { try await Self.race(instances, steady, heartbeat).values.filter { $0 != 200 }.count }
                return try await group.reduce(0, +)
            }
            // then: exactly the silent half lapsed, once each
            #expect(swept == silent.count)
            let lapsed = try await Installation.query(on: app.db).filter(\.$status == .lapsed).all()
            #expect(Set(lapsed.map { Int($0.fingerprint.dropFirst("fp-race-".count))! }) == Set(silent))
            #expect(try await SeatLeaseTests.audits(app, .installationLapsed).count == silent.count)
            try await Self.expectSeatsHeldOnce(app, active: steady.count)

            // when: the waiting clients try again, all at once through every instance
            let retried = try await Self.race(instances, waiting, activate)
            // then: exactly as many got seats as lapsed
            #expect(retried.values.filter { $0 == 201 }.count == silent.count)
            #expect(retried.values.filter { $0 == 422 }.count == waiting.count - silent.count, "\(Set(retried.values))")
            try await Self.expectSeatsHeldOnce(app, active: Self.seats)

            // when: the silent ones come back
            let comeback = try await Self.race(instances, silent, heartbeat)
            // then: a clear 409 each, no seat taken
            #expect(comeback.values.allSatisfy { $0 == 409 }, "\(Set(comeback.values))")
            try await Self.expectSeatsHeldOnce(app, active: Self.seats)
        } }
    }
}

@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Check-ins written together (`HeartbeatWrites`, a fenced fast path) against check-ins written one by one
/// (`InstallationCheckIn.recordSeenOneByOne`, the plain path): the same answers and the same stored moments, for
/// active seats and for seats the sweep lapsed between a heartbeat's read and its write (SQLite and PostgreSQL).
@Suite("Heartbeats written together answer as heartbeats written one by one")
struct HeartbeatWritesTests {
    /// 40 leased installations of one key on 40 seats, every fourth lapsed (so the lapsed ones find free seats
    /// again), all last seen an hour ago.
    private static func installations(_ app: Application, clock: ManualClock)
        async throws -> (all: [ActivationAPIController.ActivationResponse], lapsed: Set<UUID>) {
        let invited = try await LicenseFixtures.invite(app, seats: 40, people: 40, expiresAt: clock.now.addingTimeInterval(60 * 86_400))
        try await SeatLeaseTests.lease(app, invited.key)
        var all: [ActivationAPIController.ActivationResponse] = []
        for (index, code) in invited.codes.enumerated() {
            all.append(try await SeatLeaseTests.activated(app, code: code, fingerprint: "fp-batch-\(index)"))
        }
        let lapsed = Set(all.enumerated().filter { $0.offset % 4 == 0 }.map(\.element.installationID))
        try await Installation.query(on: app.db).filter(\.$id ~~ Array(lapsed)).set(\.$status, to: .lapsed).update()
        clock.advance(by: 3600)
        return (all, lapsed)
    }

    private static func concurrently(_ ids: some Collection<UUID>, _ record: @escaping @Sendable (UUID) async throws -> Bool)
        async throws -> [UUID: Bool] {
        try await withThrowingTaskGroup(of: (UUID, Bool).self) { group in
            for id in ids { group.addTask { (id, try await record(id)) } }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
    }

    @Test("concurrent check-ins in two moments: active seats recorded, lapsed ones refused, as one by one")
    func batchedMatchesOneByOne() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given
            let (activations, lapsed) = try await Self.installations(app, clock: clock)
            let all = activations.map(\.installationID)
            let now = InstallationCheckIn.wholeSeconds(clock.now)
            let moment: @Sendable (UUID) -> Date = { id in all.firstIndex(of: id)! % 2 == 0 ? now : now.addingTimeInterval(1) }
            let writes = HeartbeatWrites(database: app.db)
            let db = app.db
            // when: the first half written together, the second one by one, each half concurrently
            let batched = try await Self.concurrently(all.prefix(20)) { try await writes.recordSeen(installationID: $0, at: moment($0)) }
            let plain = try await Self.concurrently(all.suffix(20)) {
                try await InstallationCheckIn.recordSeenOneByOne(installationID: $0, at: moment($0), on: db)
            }
            // then
            #expect(batched.count == 20 && plain.count == 20)
            for (id, recorded) in batched.merging(plain, uniquingKeysWith: { $1 }) {
                #expect(recorded == !lapsed.contains(id), "installation \(all.firstIndex(of: id)!)")
            }
            for installation in try await Installation.query(on: app.db).all() {
                let id = try installation.requireID()
                if lapsed.contains(id) {
                    #expect(installation.lastSeenAt.map { $0 < now } ?? true, "a lapsed seat is not written")
                } else {
                    #expect(installation.lastSeenAt == moment(id))
                }
            }
        }
    }

    @Test("check-ins read and written together answer as check-ins read and written one by one, concurrently")
    func groupedCheckInsMatchPlainOnes() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given: the app's check-in (grouped reads on PostgreSQL, grouped writes) and a plain one
            let (activations, lapsed) = try await Self.installations(app, clock: clock)
            let grouped = app.herald.checkIn
            let plain = InstallationCheckIn(seatLock: app.herald.seatLock, reads: app.herald.hotReads, clock: clock, writes: nil, groupedReads: nil)
            let db = app.db
            // when: half through each, all at once
            let answers = try await withThrowingTaskGroup(of: (UUID, InstallationCheckIn.HeartbeatAnswer).self) { group in
                for (index, activation) in activations.enumerated() {
                    let checkIn = index % 2 == 0 ? grouped : plain
                    group.addTask { (activation.installationID, try await checkIn.heartbeat(installationID: activation.installationID, on: db)) }
                }
                return try await group.reduce(into: [UUID: InstallationCheckIn.HeartbeatAnswer]()) { $0[$1.0] = $1.1 }
            }
            // then: every seat active and seen now, the lapsed ones taken back, whichever path answered
            let now = InstallationCheckIn.wholeSeconds(clock.now)
            #expect(answers.count == activations.count)
            for (id, lease) in answers {
                #expect(lease.status == .active && lease.lastSeenAt == now && lease.leaseExpiresAt == now.addingTimeInterval(7 * 86_400))
                #expect(lease.resumed == lapsed.contains(id))
            }
            #expect(try await Installation.query(on: app.db).filter(\.$lastSeenAt == now).count() == activations.count)
        }
    }

    @Test("heartbeats through the API, concurrently: each told the moment stored; a lapsed seat is taken back under the lock")
    func heartbeatsThroughTheAPI() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given
            let (activations, lapsed) = try await Self.installations(app, clock: clock)
            // when
            let answers = try await withThrowingTaskGroup(of: (UUID, TestingHTTPResponse).self) { group in
                for activation in activations { group.addTask { (activation.installationID, try await SeatLeaseTests.heartbeat(app, activation)) } }
                return try await group.reduce(into: [UUID: TestingHTTPResponse]()) { $0[$1.0] = $1.1 }
            }
            // then
            let now = InstallationCheckIn.wholeSeconds(clock.now)
            for (id, response) in answers {
                #expect(response.status == .ok, "\(response.body.string)")
                let lease = try response.content.decode(InstallationCheckInController.HeartbeatResponse.self)
                #expect(lease.lastSeenAt == now)
                #expect(lease.resumed == lapsed.contains(id))
                #expect(try await Installation.find(id, on: app.db)?.lastSeenAt == now)
            }
            #expect(try await Installation.query(on: app.db).filter(\.$status == .active).count() == 40)
            #expect(try await SeatLeaseTests.audits(app, .installationResumed).count == lapsed.count)
        }
    }
}

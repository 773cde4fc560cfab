@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting

/// Heartbeats answered from memory (`ActiveLeaseCache`, a fenced fast path on PostgreSQL) against the plain read:
/// the same answers, and every change another connection commits (status, lease terms, deletion) heard before the
/// next answer; nothing answered from memory while the listener is not connected.
@Suite("Heartbeats answered from memory on PostgreSQL", .enabled(if: TestDatabase.isPostgres, "runs in the PostgreSQL pass"))
struct ActiveLeaseCacheTests {
    /// `count` leased installations of one key, activated through the API.
    private static func installations(_ app: Application, clock: ManualClock, count: Int = 10)
        async throws -> (key: LicenseKey, activations: [ActivationAPIController.ActivationResponse]) {
        let invited = try await LicenseFixtures.invite(app, seats: count, people: count, expiresAt: clock.now.addingTimeInterval(60 * 86_400))
        try await SeatLeaseTests.lease(app, invited.key)
        var activations: [ActivationAPIController.ActivationResponse] = []
        for (index, code) in invited.codes.enumerated() {
            activations.append(try await SeatLeaseTests.activated(app, code: code, fingerprint: "fp-cache-\(index)"))
        }
        clock.advance(by: 3600)
        return (invited.key, activations)
    }

    /// The app listening as `herald serve` does, stopped afterwards whatever happens.
    private static func listening<T>(_ app: Application, _ body: () async throws -> T) async throws -> T {
        app.herald.startListeningForInstallationChanges(eventLoop: app.eventLoopGroup.any(), logger: app.logger)
        do {
            try await eventually("the listener connects") { app.herald.activeLeases.isServing }
            let result = try await body()
            await app.herald.installationChanges.stop()
            return result
        } catch {
            await app.herald.installationChanges.stop()
            throw error
        }
    }

    private static func eventually(_ what: String, within seconds: Double = 10, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("not within \(seconds) s: \(what)")
        throw TestSetupError("not within \(seconds) s: \(what)")
    }

    private static func lease(_ response: TestingHTTPResponse) throws -> InstallationCheckInController.HeartbeatResponse {
        #expect(response.status == .ok, "\(response.body.string)")
        return try response.content.decode(InstallationCheckInController.HeartbeatResponse.self)
    }

    @Test("a check-in within the minute is answered from memory, exactly as the plain read answers it")
    func answersMatchThePlainPath() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            let (_, activations) = try await Self.installations(app, clock: clock)
            let cache = app.herald.activeLeases
            let plain = InstallationCheckIn(seatLock: app.herald.seatLock, reads: app.herald.hotReads, clock: clock, writes: nil, groupedReads: nil)
            try await Self.listening(app) {
                // when: every installation checks in (read and written, then remembered), concurrently
                let first = try await withThrowingTaskGroup(of: (UUID, InstallationCheckInController.HeartbeatResponse).self) { group in
                    for activation in activations { group.addTask { (activation.installationID, try Self.lease(try await SeatLeaseTests.heartbeat(app, activation))) } }
                    return try await group.reduce(into: [UUID: InstallationCheckInController.HeartbeatResponse]()) { $0[$1.0] = $1.1 }
                }
                // then: all remembered (the check-ins' own writes announced nothing that would have kept them out)
                #expect(cache.count == activations.count)
                clock.advance(by: 30)
                let before = cache.answered
                for activation in activations {
                    let again = try Self.lease(try await SeatLeaseTests.heartbeat(app, activation))
                    let read = try await plain.heartbeat(installationID: activation.installationID, on: app.db)
                    #expect(again == first[activation.installationID])
                    #expect(again.status == read.status && again.lastSeenAt == read.lastSeenAt && again.leaseExpiresAt == read.leaseExpiresAt)
                }
                #expect(cache.answered - before == activations.count, "each second check-in answered from memory")
                // a minute after the recorded moment the check-in is written again, not answered from memory
                clock.advance(by: 31)
                let later = try Self.lease(try await SeatLeaseTests.heartbeat(app, activations[0]))
                #expect(later.lastSeenAt == InstallationCheckIn.wholeSeconds(clock.now))
                #expect(cache.answered - before == activations.count)
            }
        }
    }

    @Test("changes committed on another connection are heard: blocked, deactivated, lapsed, deleted, lease terms, expiry")
    func changesElsewhereAreHeard() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            let (key, activations) = try await Self.installations(app, clock: clock, count: 6)
            let cache = app.herald.activeLeases
            let sql = try app.db.sql
            try await Self.listening(app) {
                for activation in activations { _ = try Self.lease(try await SeatLeaseTests.heartbeat(app, activation)) }
                #expect(cache.count == activations.count)
                let now = InstallationCheckIn.wholeSeconds(clock.now)
                // when: another writer (another instance, an operator) changes four installations
                let ids = activations.map(\.installationID)
                for (id, status) in zip(ids.prefix(3), ["blocked", "deactivated", "lapsed"]) {
                    try await sql.raw("UPDATE installations SET status = \(bind: status) WHERE id = \(bind: id)").run()
                }
                try await sql.raw("DELETE FROM installations WHERE id = \(bind: ids[3])").run()
                // then: each is forgotten, and its next check-in says so
                try await Self.eventually("four installations forgotten") { cache.count == activations.count - 4 }
                #expect(try await SeatLeaseTests.heartbeat(app, activations[0]).status == .forbidden)
                #expect(try await SeatLeaseTests.heartbeat(app, activations[1]).status == .gone)
                let resumed = try Self.lease(try await SeatLeaseTests.heartbeat(app, activations[2]))
                #expect(resumed.resumed, "the lapsed seat is taken back under the lock, not answered from memory")
                #expect(try await SeatLeaseTests.heartbeat(app, activations[3]).status == .unauthorized, "deleted: unknown")
                // when: the key's window changes elsewhere, every installation of the key is forgotten
                try await sql.raw("UPDATE license_keys SET lease_window_days = 3 WHERE id = \(bind: try key.requireID())").run()
                try await Self.eventually("the key's installations forgotten") { cache.count == 0 }
                let terms = try Self.lease(try await SeatLeaseTests.heartbeat(app, activations[4]))
                #expect(terms.leaseExpiresAt == terms.lastSeenAt.addingTimeInterval(3 * 86_400) && terms.lastSeenAt <= now)
                // when: the key expires
                try await sql.raw("UPDATE license_keys SET expires_at = \(bind: now.addingTimeInterval(-1)) WHERE id = \(bind: try key.requireID())").run()
                try await Self.eventually("the key's installations forgotten") { cache.count == 0 }
                #expect(try await SeatLeaseTests.heartbeat(app, activations[5]).status == .paymentRequired)
            }
        }
    }

    @Test("nothing is answered from memory without the listener; a lost connection empties the cache until it is back")
    func lostListenerStopsAnswers() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            let (_, activations) = try await Self.installations(app, clock: clock, count: 4)
            let cache = app.herald.activeLeases
            for activation in activations { _ = try Self.lease(try await SeatLeaseTests.heartbeat(app, activation)) }
            #expect(cache.count == 0 && !cache.isServing, "not listening: nothing remembered")
            try await Self.listening(app) {
                for activation in activations { _ = try Self.lease(try await SeatLeaseTests.heartbeat(app, activation)) }
                #expect(cache.count == activations.count)
                // when: the listening connection is cut (the server restarted, a network fault)
                let pid = try #require(app.herald.installationChanges.backendPID)
                try await app.db.sql.raw("SELECT pg_terminate_backend(\(bind: pid))").run()
                // then: the cache stops serving and is empty, the answers still right; then it connects again
                try await Self.eventually("the cache stops serving") { !cache.isServing }
                #expect(cache.count == 0)
                _ = try Self.lease(try await SeatLeaseTests.heartbeat(app, activations[0]))
                try await Self.eventually("the listener connects again") { cache.isServing }
                #expect(app.herald.installationChanges.backendPID != pid)
            }
            #expect(!cache.isServing, "stopped: not serving")
        }
    }
}

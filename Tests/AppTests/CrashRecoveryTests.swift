@testable import App
import Fluent
import Foundation
import LiveServerSupport
import TestProcesses
import Testing

/// `kill -9` of `herald serve` in the middle of a batch, then a restart, counted by the receiving server per
/// Message-ID. Benchmarks/crash-recovery runs the same with 5,000 messages and prints the counts.
@Suite("crash recovery")
struct CrashRecoveryTests {
    @Test("after kill -9 mid-batch and a restart, every message is delivered; only those in flight at the kill may arrive twice")
    func killMidBatch() async throws {
        let server = try FaultSMTPServer.fromEnvironment()
        let deployment = try HeraldDeployment()
        defer { deployment.tearDown() }
        // On a loaded machine a lease that lapsed under a lane still sending made messages arrive three times.
        // Benchmarks/reliability loads the machine on purpose (HERALD_CRASH_UNDER_LOAD=1); in the suite the other
        // tests running beside this one are the load, and a hog would starve them.
        let underLoad = ProcessInfo.processInfo.environment["HERALD_CRASH_UNDER_LOAD"] == "1"
        let hog = try CPUHog(processes: underLoad ? ProcessInfo.processInfo.activeProcessorCount : 0)
        defer { hog.stop() }
        // given: a batch of invitations queued by the CLI, for a server that takes 10 ms per message (1 connection: about 100 a second)
        let count = ProcessInfo.processInfo.environment["HERALD_CRASH_MESSAGES"].flatMap(Int.init) ?? 1000
        try deployment.organization(smtpPort: try server.port("accept-slow"))
        // A short lease, so the restarted instance takes over the killed one's claims within seconds, yet long enough
        // that a slice slowed down by a loaded machine does not outlast half of it (a 3 s lease did, in CI's
        // PostgreSQL pass, and a message arrived three times); one lane, so the batch takes about ten seconds.
        let settings = ["HERALD_DELIVERY_LEASE": "10", "HERALD_DELIVERY_CONCURRENCY": "1"]
        // The kill must land while messages are in flight, or this test checks nothing. On a loaded machine it did
        // not always: the test process polled only after the whole batch was sent, or the worker, refused a database
        // connection, had deferred the rest. Such a run is a missed precondition, not a result: it is run again, at
        // most three times, and the checks below are made on the run whose kill found messages in flight.
        var prefix = "", atKill: (messageIDs: [String: OutboxStatus], statuses: [OutboxStatus: Int]) = ([:], [:])
        for attempt in 1...3 {
            prefix = "crash-\(UUID().uuidString.prefix(8).lowercased())"
            try deployment.inviteBatch(prefix: prefix, count: count)

            // when: the server is killed once a part of the batch has been accepted
            let first = try await deployment.serve(settings)
            try await poll("part of the batch accepted", interval: .milliseconds(20)) { try server.acceptedCounts(recipientPrefix: prefix).count >= count / 4 }
            first.kill(signal: SIGKILL)
            atKill = try await deployment.outbox(prefix: prefix)
            let second = try await deployment.serve(settings)
            try await poll("every message sent", timeout: .seconds(60 + count / 20)) {
                try await deployment.outbox(prefix: prefix).statuses == [.sent: count]
            }
            second.kill(signal: SIGTERM)
            if atKill.statuses[.sending, default: 0] > 0 { break }
            print("crash recovery: attempt \(attempt)'s kill found nothing in flight (\(atKill.statuses)); running it again")
        }

        // then
        let accepted = try server.acceptedCounts(recipientPrefix: prefix)
        let expected = Set(atKill.messageIDs.keys)
        #expect(Set(accepted.keys) == expected, "every queued message was accepted, and nothing else")
        let duplicates = Set(accepted.filter { $0.value > 1 }.keys)
        let inFlight = Set(atKill.messageIDs.filter { $0.value == .sending }.keys)
        #expect(accepted.values.allSatisfy { $0 <= 2 }, "no message arrived more than twice")
        #expect(duplicates.isSubset(of: inFlight), "only messages in flight at the kill arrived twice")
        let window = DeliverySettings().recordEvery * DeliverySettings().concurrency
        #expect(duplicates.count <= window, "at most one unrecorded slice per lane is sent again")
        #expect(atKill.statuses[.sending, default: 0] > 0, "the kill landed in the middle of the batch")
        print("crash recovery: \(count) messages, \(atKill.statuses[.sent, default: 0]) recorded sent at the kill, \(inFlight.count) in flight, \(duplicates.count) delivered twice")
    }
}

extension HeraldDeployment {
    /// Queues `count` join invitations through `herald invite join --csv`, as an administrator would.
    func inviteBatch(prefix: String, count: Int, organization: String = "Acme") throws {
        let csv = folder + "/\(prefix).csv"
        try ((0..<count).map { "\(prefix)-\($0)@example.com" }.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let output = try run(["invite", "join", "--organization", organization, "--csv", csv])
        guard output.contains("\(count) invited, 0 not") else { throw TestSetupError("herald invite join: \(output.suffix(500))") }
    }

    /// The outbox rows for recipients starting with `prefix`: status per Message-ID, and counts per status.
    func outbox(prefix: String) async throws -> (messageIDs: [String: OutboxStatus], statuses: [OutboxStatus: Int]) {
        try await withDatabase { db in
            let rows = try await OutboxMessage.query(on: db).filter(\.$recipients, .custom("LIKE"), "\(prefix)-%").all()
            let ids = Dictionary(uniqueKeysWithValues: rows.map { (FaultSMTPServer.bare($0.messageID), $0.status) })
            return (ids, rows.reduce(into: [:]) { $0[$1.status, default: 0] += 1 })
        }
    }
}

/// Polls `condition` every 100 ms until it holds; fails with `what` after `timeout`.
func poll(_ what: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(100),
          _ condition: () async throws -> Bool) async throws {
    let clock = ContinuousClock(), deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    throw TestSetupError("timed out after \(timeout) waiting for: \(what)")
}

/// Busy loops in child processes, one per core, to run a test on a loaded machine.
///
/// Each loop is a process group of its own (`ChildProcess` starts its child so), ends by itself after `lifetime`, and writes nowhere: a test
/// process that crashed used to leave the loops running, holding `swift test`'s output open until CI's deadline.
/// `stop()` kills each group with SIGKILL (reaching `timeout` and its shell) and does not wait for them.
struct CPUHog {
    let processes: [ChildProcess]

    init(processes count: Int, lifetime seconds: Int = 300) throws {
        processes = try (0..<count).map { _ in
            let process = ChildProcess()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
            process.arguments = ["-s", "KILL", "\(seconds)", "/bin/sh", "-c", "while :; do :; done"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
    }

    func stop() {
        for process in processes { kill(-process.processIdentifier, SIGKILL) }
    }
}

import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers

/// Sends what the outbox holds: `concurrency` lanes, each claiming a batch, delivering it and recording the
/// outcomes, until stopped. Several instances (processes or machines) may run against one database.
package final class DeliveryWorker: Sendable {
    package struct Report: Sendable {
        package var sent = 0
        var deferred = 0
        var failed = 0
    }

    let database: any Database
    let settings: DeliverySettings
    let resolver: TransportResolver
    let workerID: String
    let sealer: OutboxSealer
    let logger: Logger
    private let signal = WakeSignal()
    private let recorder: OutcomeRecorder
    private let lanes = NIOLockedValueBox<[Task<Void, Never>]>([])

    init(database: any Database, settings: DeliverySettings, resolver: TransportResolver, sealer: OutboxSealer, logger: Logger) {
        self.sealer = sealer
        self.database = database
        self.settings = settings
        self.resolver = resolver
        self.workerID = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        self.logger = logger
        self.recorder = OutcomeRecorder(claim: OutboxClaim(database: database, workerID: workerID), policy: RetryPolicy(settings))
    }

    /// Claims one batch and delivers it; returns the outcomes (empty when nothing was due).
    func deliverOneBatch() async throws -> Report {
        let claim = OutboxClaim(database: database, workerID: workerID, sealer: sealer)
        let claimedAt = ContinuousClock.now
        let claimed = try await claim.claim(limit: settings.batchSize, leaseDuration: settings.leaseDuration)
        guard let holder = claimed.first?.lease else { return Report() }
        let started = ContinuousClock.now
        var outcomes: [(ClaimedMessage, DeliveryOutcome)] = []
        outcomes.reserveCapacity(claimed.count)
        // A body that no longer decrypts will never decrypt: fail it with the reason instead of retrying for days.
        let unreadable = claimed.compactMap { message in message.unreadable.map { (message, DeliveryOutcome.permanentFailure($0)) } }
        try await recorder.record(unreadable)
        outcomes += unreadable
        let messages = claimed.filter { $0.unreadable == nil }
        let lease = ClaimLease(claim: claim, holder: holder, ids: messages.map(\.id), duration: settings.leaseDuration, claimedAt: claimedAt)
        lease.start()
        defer { lease.stop() }
        for (organizationID, group) in Dictionary(grouping: messages, by: \.organizationID) {
            // The organization's settings once per claim (two reads), not per slice.
            let transport: any MailTransport
            do {
                transport = try await resolver.transport(for: organizationID, on: database)
            } catch {
                transport = UnavailableMailTransport(reason: "cannot read the mail settings: \(error)")
            }
            // Sent in slices, each recorded as soon as the server has answered: if this process dies, only the slice
            // on the wire can be sent again (the rest of the claim waits for its lease to end, unsent). Claiming
            // many and recording in slices keeps both the claim cost and the crash window small.
            for slice in group.chunked(settings.recordEvery) {
                let slice = await lease.stillHeld(Array(slice))
                if slice.isEmpty { continue }
                let results = await transport.deliver(slice)
                let sliceOutcomes = zip(slice, results).map { ($0, $1) }
                try await recorder.record(sliceOutcomes)
                outcomes += sliceOutcomes
                lease.finished(slice)
            }
        }
        var report = Report()
        for (_, outcome) in outcomes {
            switch outcome {
            case .sent: report.sent += 1
            case .temporaryFailure(let reason): report.deferred += 1; logger.warning("delivery deferred: \(reason)")
            case .permanentFailure(let reason): report.failed += 1; logger.warning("delivery failed: \(reason)")
            }
        }
        HeraldMetrics.recordDeliveries(sent: report.sent, deferred: report.deferred, failed: report.failed, duration: ContinuousClock.now - started)
        return report
    }

    /// Runs every lane until nothing is due, then returns what was done (`herald deliver --until-empty`).
    package func deliverUntilEmpty() async throws -> Report {
        try await withThrowingTaskGroup(of: Report.self) { group in
            for _ in 0..<settings.concurrency {
                group.addTask {
                    var total = Report()
                    while true {
                        let batch = try await self.deliverOneBatch()
                        if batch.sent + batch.deferred + batch.failed == 0 { return total }
                        total.add(batch)
                    }
                }
            }
            return try await group.reduce(into: Report()) { $0.add($1) }
        }
    }

    /// Starts the lanes in the background (`herald serve`).
    func start() {
        let tasks = (0..<settings.concurrency).map { lane in
            Task {
                while !Task.isCancelled {
                    do {
                        let batch = try await self.deliverOneBatch()
                        if batch.sent + batch.deferred + batch.failed > 0 { continue }
                    } catch {
                        // The database may be restarting: log and try again after the poll interval.
                        self.logger.error("delivery lane \(lane): \(String(reflecting: error))")
                    }
                    await self.signal.wait(timeout: self.settings.pollInterval)
                }
            }
        }
        lanes.withLockedValue { $0 = tasks }
    }

    /// Lets idle lanes look at the outbox now instead of at their next poll.
    func wake() { Task { await signal.wakeAll() } }

    package func stop() async {
        let tasks = lanes.withLockedValue { tasks in defer { tasks = [] }; return tasks }
        tasks.forEach { $0.cancel() }
        await signal.wakeAll()
        for task in tasks { await task.value }
        await resolver.pool.closeAll()
    }
}

extension DeliveryWorker.Report {
    mutating func add(_ other: Self) {
        sent += other.sent
        deferred += other.deferred
        failed += other.failed
    }
}

/// Wakes waiting lanes early; a lane that is not waiting picks up new work on its next claim anyway.
actor WakeSignal {
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]

    func wait(timeout: TimeInterval) async {
        let id = UUID()
        await withCheckedContinuation { continuation in
            waiters[id] = continuation
            Task { try? await Task.sleep(for: .seconds(timeout)); self.resume(id) }
        }
    }

    func wakeAll() {
        let all = waiters.values
        waiters = [:]
        all.forEach { $0.resume() }
    }

    private func resume(_ id: UUID) {
        waiters.removeValue(forKey: id)?.resume()
    }
}

import Foundation

/// Records delivery outcomes for all of a worker's lanes with group commit.
///
/// Each lane records its slice as soon as the server has answered (that bounds what a crash can send twice), and
/// each recording is a commit, which on SQLite waits for an fsync. Eight lanes committing one after another made
/// the commits, not SMTP, the limit of the delivery rate. Here a lane hands its outcomes over and waits; while one
/// transaction runs, the outcomes of the lanes that arrive meanwhile are gathered and committed together in the
/// next. Every lane still returns only once its own outcomes are durable.
actor OutcomeRecorder {
    private let claim: OutboxClaim
    private let policy: RetryPolicy
    private var pending: [(outcomes: [(ClaimedMessage, DeliveryOutcome)], done: CheckedContinuation<Void, any Error>)] = []
    private var flushing = false

    init(claim: OutboxClaim, policy: RetryPolicy) {
        self.claim = claim
        self.policy = policy
    }

    func record(_ outcomes: [(ClaimedMessage, DeliveryOutcome)]) async throws {
        guard !outcomes.isEmpty else { return }
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            pending.append((outcomes, done))
            if !flushing {
                flushing = true
                Task { await flush() }
            }
        }
    }

    private func flush() async {
        while !pending.isEmpty {
            let group = pending
            pending = []
            do {
                try await claim.record(group.flatMap(\.outcomes), policy: policy)
                for waiter in group { waiter.done.resume() }
            } catch {
                for waiter in group { waiter.done.resume(throwing: error) }
            }
        }
        flushing = false
    }
}

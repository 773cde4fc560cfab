import Foundation
import NIOConcurrencyHelpers

/// Keeps one claim's lease alive while its lane sends, independently of how fast slices go: a task renews it every
/// third of the lease, so a lane slowed down (a loaded machine, a slow server) never lets it run out while alive.
///
/// Why no lapsed lane can send what another lane took over: the lane starts a slice only while its last confirmed
/// renewal is younger than half the lease, and another lane can claim the messages only once the whole lease has
/// passed since then. A renewal delayed by a starved or blocked event loop therefore costs time (the lane sends nothing
/// until it is confirmed again), never a second copy; only a slice already on the wire when the lease ran out can be
/// sent again, and `OutboxClaim.record` fences its outcome so the new holder's stands.
final class ClaimLease: Sendable {
    private struct State {
        var waiting: Set<UUID>
        var lost = Set<UUID>()
        var confirmedAt: ContinuousClock.Instant
    }

    let holder: String
    private let claim: OutboxClaim
    private let duration: TimeInterval
    private let state: NIOLockedValueBox<State>
    private let renewing = NIOLockedValueBox<Task<Void, Never>?>(nil)

    /// `claimedAt`: taken before the claim statement, so the local view of the lease never outlasts the stored one.
    init(claim: OutboxClaim, holder: String, ids: [UUID], duration: TimeInterval, claimedAt: ContinuousClock.Instant) {
        self.claim = claim
        self.holder = holder
        self.duration = duration
        self.state = NIOLockedValueBox(State(waiting: Set(ids), confirmedAt: claimedAt))
    }

    func start() {
        let task = Task { [weak self] in
            while !Task.isCancelled, let interval = self?.duration {
                try? await Task.sleep(for: .seconds(interval / 3))
                guard !Task.isCancelled else { return }
                try? await self?.renew()
            }
        }
        renewing.withLockedValue { $0 = task }
    }

    func stop() {
        renewing.withLockedValue { $0?.cancel() }
    }

    /// The messages of `slice` this lane may still send.
    func stillHeld(_ slice: [ClaimedMessage]) async -> [ClaimedMessage] {
        if ContinuousClock.now - state.withLockedValue(\.confirmedAt) > .seconds(duration / 2) { try? await renew() }
        let (lost, confirmedAt) = state.withLockedValue { ($0.lost, $0.confirmedAt) }
        guard ContinuousClock.now - confirmedAt <= .seconds(duration / 2) else { return [] }
        return slice.filter { !lost.contains($0.id) }
    }

    /// The slice's outcomes are recorded: no need to hold them any longer.
    func finished(_ slice: [ClaimedMessage]) {
        state.withLockedValue { $0.waiting.subtract(slice.map(\.id)) }
    }

    private func renew() async throws {
        let started = ContinuousClock.now
        let ids = state.withLockedValue { Array($0.waiting.subtracting($0.lost)) }
        guard !ids.isEmpty else { return }
        let held = try await claim.renewLease(ids, holder: holder, leaseDuration: duration)
        state.withLockedValue { state in
            state.lost.formUnion(Set(ids).subtracting(held))
            state.confirmedAt = max(state.confirmedAt, started)
        }
    }
}

import Foundation
import Logging
import NIOConcurrencyHelpers

/// A background job of `herald serve` run every `interval` until stopped (the session and lease sweepers): a
/// failed round is logged and the next one runs as usual.
final class PeriodicTask: Sendable {
    private let task: NIOLockedValueBox<Task<Void, Never>?> = .init(nil)

    func start(every interval: TimeInterval, name: String, logger: Logger, _ round: @escaping @Sendable () async throws -> Void) {
        let running = Task {
            while !Task.isCancelled {
                do { try await round() } catch {
                    logger.warning("\(name): \(String(reflecting: error))")
                }
                try? await Task.sleep(for: .seconds(interval))
            }
        }
        task.withLockedValue { $0 = running }
    }

    func stop() async {
        let running = task.withLockedValue { task in defer { task = nil }; return task }
        running?.cancel()
        await running?.value
    }
}

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Waits until a `herald serve` at `baseURL` answers `GET /healthz` with 200. Fails at once when the process
/// exited (`isRunning`), and after `timeout` otherwise; `describe` adds what the caller knows (a log tail).
public func waitUntilHealthy(baseURL: String, timeout: Duration = .seconds(60), isRunning: () -> Bool,
                             describe: () -> String = { "" }) async throws {
    let url = URL(string: baseURL + "/healthz")!
    let clock = ContinuousClock(), deadline = clock.now + timeout
    while clock.now < deadline {
        guard isRunning() else { throw LiveServerSetupError("herald serve exited before answering /healthz. \(describe())") }
        if let (_, response) = try? await URLSession.shared.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200 {
            return
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw LiveServerSetupError("herald serve did not answer /healthz within \(timeout). \(describe())")
}

import Foundation
import HeraldCore
import Vapor

/// The app-wide services Herald's handlers use, built once in `configure` from the `Configuration`.
/// Handlers reach them through `req.herald` rather than globals, so tests can see and replace them.
struct HeraldServices: Sendable {
    let configuration: Configuration
    let secretBox: SecretBox
    let signInLimiter: RateLimiter
    let tokenRedemptionLimiter: RateLimiter

    init(configuration: Configuration, secretKey: String) {
        self.configuration = configuration
        self.secretBox = SecretBox(serverSecret: secretKey, purpose: "herald stored secrets v1")
        // Ten attempts per address and client per 15 minutes: plenty for a person, too slow for guessing.
        self.signInLimiter = RateLimiter(limit: 10, window: 15 * 60)
        self.tokenRedemptionLimiter = RateLimiter(limit: 30, window: 15 * 60)
    }
}

extension Application {
    private struct HeraldServicesKey: StorageKey { typealias Value = HeraldServices }

    var herald: HeraldServices {
        get {
            guard let services = storage[HeraldServicesKey.self] else {
                fatalError("configure(_:configuration:) has not run: Herald's services are missing")
            }
            return services
        }
        set { storage[HeraldServicesKey.self] = newValue }
    }
}

extension Request {
    var herald: HeraldServices { application.herald }
}

@testable import App
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

/// Each application owns its limiters and queues: two in one process (as the tests make them) share no state.
@Suite("application isolation")
struct ApplicationIsolationTests {
    @Test("a license key held in one application's seat lock does not hold the same key in another application")
    func seatLocksAreSeparate() async throws {
        try await withHerald { first in
            try await withHerald { second in
                // given: the first application holds a key's seat lock
                let keyID = UUID()
                let entered = AsyncStream<Void>.makeStream()
                let release = AsyncStream<Void>.makeStream()
                let holder = Task {
                    try await first.herald.seatLock.withKeyLocked(keyID, on: first.db) { _ in
                        entered.continuation.yield()
                        for await _ in release.stream {}
                    }
                }
                for await _ in entered.stream { break }

                // when: the second application locks the same key
                let finished = NIOLockedValueBox(false)
                let other = Task {
                    try await second.herald.seatLock.withKeyLocked(keyID, on: second.db) { _ in }
                    finished.withLockedValue { $0 = true }
                }
                let deadline = ContinuousClock.now + .seconds(10)
                while !finished.withLockedValue({ $0 }), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                let finishedWhileHeld = finished.withLockedValue { $0 }
                release.continuation.finish()
                try await holder.value
                try await other.value

                // then: it did not wait for the first application's holder
                #expect(finishedWhileHeld)
            }
        }
    }

    @Test("a client limited for guessing activation codes in one application is not limited in another")
    func activationLimitsAreSeparate() async throws {
        try await withHerald { first in
            try await withHerald { second in
                // given: the first application limits the client after 30 unknown codes
                for attempt in 0..<30 {
                    let miss = try await LicenseFixtures.activate(first, code: "UNKNOWN-\(attempt)", fingerprint: "fp-guess")
                    #expect(miss.status == .notFound, "attempt \(attempt): \(miss.status)")
                }
                let limited = try await LicenseFixtures.activate(first, code: "UNKNOWN-31", fingerprint: "fp-guess")
                #expect(limited.status == .tooManyRequests)

                // when: the same client asks the second application
                let elsewhere = try await LicenseFixtures.activate(second, code: "UNKNOWN-32", fingerprint: "fp-guess")

                // then: that application has counted nothing for it
                #expect(elsewhere.status == .notFound)
                #expect(first.herald.activationLimits.guesses !== second.herald.activationLimits.guesses)
            }
        }
    }
}

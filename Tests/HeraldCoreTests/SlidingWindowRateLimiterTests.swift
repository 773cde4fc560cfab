import Foundation
import Testing
@testable import HeraldCore

@Suite("SlidingWindowRateLimiter")
struct SlidingWindowRateLimiterTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("allows N attempts per window, then says when to retry")
    func limits() {
        // given
        var limiter = SlidingWindowRateLimiter(limit: 3, window: 60)
        // when
        let decisions = (0..<4).map { limiter.attempt(key: "signin:ip", now: start.addingTimeInterval(Double($0) * 10)) }
        // then
        #expect(decisions == [.allowed, .allowed, .allowed, .limited(retryAfter: 30)])
    }

    @Test("the window slides: an attempt is freed exactly when the oldest leaves")
    func slides() {
        // given
        var limiter = SlidingWindowRateLimiter(limit: 2, window: 60)
        _ = limiter.attempt(key: "k", now: start)
        _ = limiter.attempt(key: "k", now: start.addingTimeInterval(30))
        // when
        let early = limiter.attempt(key: "k", now: start.addingTimeInterval(59))
        let onTime = limiter.attempt(key: "k", now: start.addingTimeInterval(60))
        let again = limiter.attempt(key: "k", now: start.addingTimeInterval(61))
        // then
        #expect(early == .limited(retryAfter: 1))
        #expect(onTime == .allowed)
        #expect(again == .limited(retryAfter: 29))
    }

    @Test("refused attempts are not counted, and keys are independent")
    func refusedNotCounted() {
        // given
        var limiter = SlidingWindowRateLimiter(limit: 1, window: 60)
        _ = limiter.attempt(key: "a", now: start)
        // when
        for second in 1..<60 { _ = limiter.attempt(key: "a", now: start.addingTimeInterval(Double(second))) }
        // then
        #expect(limiter.attempt(key: "a", now: start.addingTimeInterval(60)) == .allowed)
        #expect(limiter.attempt(key: "b", now: start) == .allowed)
    }

    @Test("reset forgets a key; prune drops idle keys")
    func resetAndPrune() {
        // given
        var limiter = SlidingWindowRateLimiter(limit: 1, window: 60)
        for index in 0..<100 { _ = limiter.attempt(key: "ip\(index)", now: start) }
        _ = limiter.attempt(key: "late", now: start.addingTimeInterval(50))
        // when
        limiter.reset(key: "ip0")
        let afterReset = limiter.attempt(key: "ip0", now: start.addingTimeInterval(1))
        limiter.prune(now: start.addingTimeInterval(100))
        // then
        #expect(afterReset == .allowed)
        #expect(limiter.trackedKeys == 1)
    }
}

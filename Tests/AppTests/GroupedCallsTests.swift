@testable import App
import Foundation
import Synchronization
import Testing

/// `GroupedCalls`, the batching under `HeartbeatReads` and `HeartbeatWrites`: every caller gets its own answer,
/// calls arriving during a group are answered by a later group, and a failed group fails exactly its callers.
@Suite("Grouped calls answer each caller as one call would")
struct GroupedCallsTests {
    @Test("200 concurrent calls: each answered with its own value's answer, in groups no larger than the limit")
    func eachCallerGetsItsAnswer() async throws {
        let groupSizes = Mutex<[Int]>([])
        let calls = GroupedCalls<Int, Int>(largestGroup: 16) { values in
            groupSizes.withLock { $0.append(values.count) }
            try await Task.sleep(for: .milliseconds(2))
            return values.map { $0 * 3 }
        }
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for value in 0..<200 { group.addTask { (value, try await calls.call(value)) } }
            return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 200)
        #expect(answers.allSatisfy { $0.value == $0.key * 3 })
        let sizes = groupSizes.withLock { $0 }
        #expect(sizes.reduce(0, +) == 200)
        #expect(sizes.allSatisfy { $0 <= 16 })
        #expect(sizes.count < 200, "calls waiting together were answered together")
    }

    @Test("a group that throws fails its callers; the next group still answers")
    func failedGroupFailsOnlyItsCallers() async throws {
        struct Refused: Error {}
        let calls = GroupedCalls<Int, Int>(largestGroup: 4) { values in
            if values.contains(13) { throw Refused() }
            return values
        }
        await #expect(throws: Refused.self) { try await calls.call(13) }
        #expect(try await calls.call(7) == 7)
    }

    @Test("answers that do not match the calls one to one are an error, not a wrong answer")
    func mismatchedAnswersAreRefused() async throws {
        let calls = GroupedCalls<Int, Int>(largestGroup: 4) { _ in [] }
        await #expect(throws: GroupAnswerMismatch.self) { try await calls.call(1) }
    }
}

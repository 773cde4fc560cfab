/// Calls that arrive while a group is being answered wait, and the next group answers them together: the shape of
/// `HeartbeatReads` and `HeartbeatWrites`, where one statement for many check-ins costs about what one costs.
///
/// Nobody is answered before their group is: a caller told a result has it, as on the plain path of one statement
/// per call. A group that fails fails each of its callers with the same error.
actor GroupedCalls<Value: Sendable, Answer: Sendable> {
    private let largestGroup: Int
    /// One answer per value, in the values' order.
    private let answerGroup: @Sendable ([Value]) async throws -> [Answer]
    private var waiting: [(value: Value, continuation: CheckedContinuation<Answer, any Error>)] = []
    private var answering = false

    init(largestGroup: Int, answerGroup: @escaping @Sendable ([Value]) async throws -> [Answer]) {
        precondition(largestGroup > 0, "a group holds at least one call")
        self.largestGroup = largestGroup
        self.answerGroup = answerGroup
    }

    func call(_ value: Value) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            waiting.append((value, continuation))
            guard !answering else { return }
            answering = true
            Task { await answerWaiting() }
        }
    }

    /// Group after group until nobody waits. Calls arriving during a group join the next one.
    private func answerWaiting() async {
        while !waiting.isEmpty {
            let group = Array(waiting.prefix(largestGroup))
            waiting.removeFirst(group.count)
            do {
                let answers = try await answerGroup(group.map(\.value))
                guard answers.count == group.count else { throw GroupAnswerMismatch(values: group.count, answers: answers.count) }
                for (call, answer) in zip(group, answers) { call.continuation.resume(returning: answer) }
            } catch {
                for call in group { call.continuation.resume(throwing: error) }
            }
        }
        answering = false
    }
}

/// A group's answers did not match its calls one to one: a defect of the caller's `answerGroup`, never silent.
struct GroupAnswerMismatch: Error, CustomStringConvertible {
    let values: Int
    let answers: Int
    var description: String { "\(answers) answers for \(values) grouped calls" }
}

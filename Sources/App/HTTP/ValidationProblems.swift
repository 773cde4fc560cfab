import Vapor

/// A list of "field: what is wrong" lines; one `Abort` or one CLI error carries them all.
/// Over HTTP it is a 400 (or the given status) with the lines as the reason.
struct ValidationProblems: AbortError, CustomStringConvertible {
    let problems: [String]
    let status: HTTPResponseStatus
    init(_ problems: [String], status: HTTPResponseStatus = .badRequest) {
        self.problems = problems
        self.status = status
    }
    var description: String { problems.joined(separator: "; ") }
    var reason: String { description }
}

import Vapor

/// A list of "field: what is wrong" lines; one `Abort` or one CLI error carries them all.
/// Over HTTP it is a 400 (or the given status) with the lines as the reason.
package struct ValidationProblems: AbortError, CustomStringConvertible {
    let problems: [String]
    package let status: HTTPResponseStatus
    init(_ problems: [String], status: HTTPResponseStatus = .badRequest) {
        self.problems = problems
        self.status = status
    }
    package var description: String { problems.joined(separator: "; ") }
    package var reason: String { description }
}

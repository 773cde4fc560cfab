import Vapor

extension Request {
    /// `now`'s answer, made on the event loop without starting a task, when it has one (nil: something has to
    /// wait); otherwise `later`'s, in a task. For the routes every invitee and product hits: a task per request has a
    /// measurable cost on a route this cheap (BENCHMARKS.md, "Invitee endpoints under load"). An error from `now` fails the request as `later`'s would.
    func answer(now: () throws -> Response?, otherwise later: @escaping @Sendable () async throws -> Response) -> EventLoopFuture<Response> {
        do {
            if let answer = try now() { return eventLoop.makeSucceededFuture(answer) }
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
        return eventLoop.makeFutureWithTask(later)
    }
}

import Vapor

/// Sessions for invitee pages, only where there can be one.
///
/// A GET without Herald's session cookie has no session to read, and an invitee page never starts one on a GET
/// (its form token is link-bound, see `CSRF`). Vapor's sessions middleware and authenticator would still make an
/// empty session, mint an ID and send a `Set-Cookie` for it on every such view: most visitors of a join link
/// (mail scanners, first-time invitees) and every request of a load test. Those requests skip both; every other
/// request (a POST, or a browser that is signed in) goes through them as usual.
///
/// A plain (future-based) middleware: an `AsyncMiddleware` hops to a task and back on every request, which on the
/// join page cost more than the decision it makes.
struct InviteeSessionsMiddleware: Middleware {
    let sessions: any Middleware
    let authenticator: any Middleware
    let cookieName: String

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        if [.GET, .HEAD].contains(request.method), request.cookies[cookieName] == nil {
            return next.respond(to: request)
        }
        return [sessions, authenticator].makeResponder(chainingTo: next).respond(to: request)
    }
}

import Foundation
import SQLKit
import Vapor

/// The join page is what every invitee and mail scanner opens, so it is on a load budget (BENCHMARKS.md): a link
/// opened before is answered on the event loop without starting a task when nothing has to wait.
extension JoinController {
    /// The join page answered on the event loop, without starting a task, when nothing has to wait: on SQLite (the
    /// read runs on this thread), a link opened before (no write), an invitation that can still be accepted and a
    /// cached skeleton. Anything else goes through `show`; this is the page every invitee and mail scanner opens.
    func showNow(_ req: Request) -> EventLoopFuture<Response> {
        req.answer(now: { try showWithoutWaiting(req) }, otherwise: { try await show(req) })
    }

    func showWithoutWaiting(_ req: Request) throws -> Response? {
        let reads = req.herald.hotReads
        guard reads.readsOnThisThread, let token = req.parameters.get("token"),
              let invitation = try JoinLink.findOnThisThread(token: token, reads: reads),
              invitation.openedAt != nil, JoinLinkError(status: invitation.status()) == nil
        else { return nil }
        let language = req.inviteeLanguage(invitation: invitation.language)
        let (model, arguments) = pageModel(req, invitation, language: language, error: nil)
        return try req.inviteePageFromSkeleton("join", language: language, titleKey: "join.page.title", keys: Self.pageKeys,
                                               arguments: arguments, model)
    }
}

extension JoinLink {
    /// The same read on the calling thread; only when `reads.readsOnThisThread`.
    static func findOnThisThread(token: String, reads: HotReads) throws -> JoinLink? {
        try reads.firstOnThisThread(query, binds(token)).map(JoinLink.init(row:))
    }
}

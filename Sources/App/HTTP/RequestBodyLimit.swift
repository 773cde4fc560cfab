import Vapor

/// The one size limit of a request body, and the collection of a body before a middleware reads it.
///
/// A route collects its body only after the middleware in front of it ran, and until then a middleware sees just
/// what arrived with the request head (a few KB): a longer body is still streaming and reads as empty. The CSRF
/// check reads `_csrf` from the body, so every console form over about 2 KB (1,000 pasted addresses, a CSV upload,
/// a long template) was refused as "the form has expired", and a 50 MB upload got 403 instead of 413. Middleware
/// that reads the body collects it here first, to the same limit the route would apply.
enum RequestBodyLimit {
    /// Every route's limit (`app.routes.defaultMaxBodySize`); the README documents it.
    static func bytes(_ request: Request) -> Int {
        request.application.routes.defaultMaxBodySize.value
    }

    /// What a person sees for an oversized form, upload or API body.
    static func reason(limit: Int) -> String {
        "body: larger than the \(limit / 1_048_576) MB a form, upload or API request may send; split the list or file into smaller parts"
    }

    /// Collects the body (no-op when it already is) or fails with 413, answering at once when Content-Length
    /// already says it is too large rather than reading megabytes only to refuse them.
    static func collect(_ request: Request) -> EventLoopFuture<Void> {
        let limit = bytes(request)
        if let declared = request.headers.first(name: .contentLength).flatMap(Int.init), declared > limit {
            return request.eventLoop.makeFailedFuture(Abort(.payloadTooLarge, reason: reason(limit: limit)))
        }
        guard request.body.data == nil else { return request.eventLoop.makeSucceededVoidFuture() }
        return request.body.collect(max: limit).map { _ in }
    }

    /// Vapor's own refusal of a streamed body over the limit carries only the status phrase: name the limit.
    static func explained(_ abort: any AbortError, request: Request) -> String {
        guard abort.status == .payloadTooLarge, abort.reason == HTTPResponseStatus.payloadTooLarge.reasonPhrase else {
            return abort.reason
        }
        return reason(limit: bytes(request))
    }
}

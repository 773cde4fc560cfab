import Vapor

/// Refuses an `/api/v1` request body that is not JSON with 415 and a reason naming the header, before any decoding.
/// Without it Vapor decodes whatever decoder the Content-Type picks, and a form-encoded or plain-text body ends in a
/// type-level message ("body: must be a Dictionary<String, Decodable>") that does not tell the caller what to fix.
///
/// Future-based: it sits in front of every API call, including the activation products repeat, and an
/// `AsyncMiddleware` costs a task hop each way.
struct JSONBodyMiddleware: Middleware {
    /// Paths that take another media type, e.g. the directory import's `text/csv`.
    let exceptions: [String: HTTPMediaType]

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let length = request.headers.first(name: .contentLength).flatMap(Int.init) ?? request.body.data?.readableBytes ?? 0
        let chunked = request.headers.contains(name: .transferEncoding)
        guard length > 0 || chunked else { return next.respond(to: request) }
        let expected = exceptions[request.url.path] ?? .json
        guard let type = request.headers.contentType, type.type == expected.type, type.subType == expected.subType else {
            let got = request.headers.first(name: .contentType) ?? "none"
            return request.eventLoop.makeFailedFuture(
                Abort(.unsupportedMediaType, reason: "Content-Type: must be \(expected.type)/\(expected.subType) (got \(got))")
            )
        }
        return next.respond(to: request)
    }
}

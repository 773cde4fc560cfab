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
        let plainJSON = expected == .json && Self.isPlainJSON(request.headers.first(name: .contentType))
        guard plainJSON || request.headers.contentType.map({ $0.type == expected.type && $0.subType == expected.subType }) == true else {
            let got = request.headers.first(name: .contentType) ?? "none"
            return request.eventLoop.makeFailedFuture(
                Abort(.unsupportedMediaType, reason: "Content-Type: must be \(expected.type)/\(expected.subType) (got \(got))")
            )
        }
        return next.respond(to: request)
    }

    /// `application/json` as clients send it, recognised without Vapor's media-type parser (a measurable part of
    /// an activation); anything else (parameters other than charset, odd spacing) goes to the parser.
    static func isPlainJSON(_ header: String?) -> Bool {
        guard let header else { return false }
        let value = header.lowercased()
        return value == "application/json" || value == "application/json; charset=utf-8" || value == "application/json;charset=utf-8"
    }
}

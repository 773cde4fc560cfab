import Vapor

/// What a page behind an invitation link says when the link or the request cannot be served: what happened, what to
/// do next, and at most one way on (a sign-in link). Shown by `link-error.leaf`.
struct LinkProblem: Encodable {
    struct Action: Encodable {
        let label: String
        let url: String
    }

    let message: String
    let next: String?
    let action: Action?
}

/// A refusal on an invitee page, as a catalog key: `InviteeErrorMiddleware` words it in the page's language.
struct InviteeProblem: AbortError {
    let status: HTTPResponseStatus
    let key: String
    let count: Int?
    let headers: HTTPHeaders

    init(_ status: HTTPResponseStatus, _ key: String, count: Int? = nil, headers: HTTPHeaders = [:]) {
        self.status = status
        self.key = key
        self.count = count
        self.headers = headers
    }

    /// Logs and anything that renders an `AbortError` without the catalog see the key.
    var reason: String { key }

    static func tooManyAttempts(wait: TimeInterval) -> InviteeProblem {
        let seconds = Int(wait.rounded(.up))
        return InviteeProblem(.tooManyRequests, "invitee.error.too_many", count: max(1, (seconds + 59) / 60),
                              headers: ["Retry-After": String(seconds)])
    }
}

private struct InviteeLanguageKey: StorageKey {
    typealias Value = Language
}

extension Request {
    /// Records the language an invitee page is in once the invitation is known, so an error thrown later in the
    /// request is shown in it too.
    func rememberInviteeLanguage(_ language: Language) {
        storage[InviteeLanguageKey.self] = language
    }

    var rememberedInviteeLanguage: Language { storage[InviteeLanguageKey.self] ?? inviteeLanguage() }
}

/// Every error on the invitee routes becomes a page in the invitee's language: the console's error page is English
/// and names HTTP statuses, and an invitee reaches it through a rate limit, an expired form, a malformed POST or an
/// outage. Future-based like `InviteeSessionsMiddleware`: it sits in front of every join page view, and only the
/// error path starts a task.
struct InviteeErrorMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapError { error in
            request.eventLoop.makeFutureWithTask { try await Self.page(for: error, request) }
        }
    }

    static func page(for error: any Error, _ req: Request) async throws -> Response {
        let problem = explain(error, req)
        let language = req.rememberedInviteeLanguage
        let catalog = req.herald.catalog
        let message = problem.count.map { catalog.plural(problem.key, count: $0, language) } ?? catalog.text(problem.key, language)
        let next = problem.status == .notFound ? catalog.text("link.error.next", language) : nil
        let response = try await req.renderInviteePage("link-error", language: language, titleKey: "link.error.title", keys: [],
                                                       LinkProblem(message: message, next: next, action: nil), status: problem.status)
        response.headers.add(contentsOf: problem.headers)
        return response
    }

    /// The catalog key for an error: Herald's own invitee problems say theirs; the rest are told apart by status.
    static func explain(_ error: any Error, _ req: Request) -> InviteeProblem {
        if let problem = error as? InviteeProblem { return problem }
        if let unavailable = DatabaseUnavailable.abort(for: error) {
            req.logger.warning("database unavailable: \(String(reflecting: error))")
            return InviteeProblem(.serviceUnavailable, "invitee.error.unavailable", headers: unavailable.headers)
        }
        if UniqueViolation.abort(for: error) != nil { return InviteeProblem(.conflict, "invitee.error.conflict") }
        if error is DecodingError { return InviteeProblem(.badRequest, "invitee.error.form") }
        guard let abort = error as? any AbortError, abort.status.code < 500 else {
            req.logger.report(error: error)
            return InviteeProblem(.internalServerError, "invitee.error.unexpected")
        }
        switch abort.status {
        case .tooManyRequests:
            let seconds = abort.headers.first(name: "Retry-After").flatMap(Int.init) ?? 60
            return InviteeProblem(.tooManyRequests, "invitee.error.too_many", count: max(1, (seconds + 59) / 60), headers: abort.headers)
        case .forbidden: return InviteeProblem(.forbidden, "invitee.error.form_expired")
        case .notFound: return InviteeProblem(.notFound, "join.error.unknown")
        case .payloadTooLarge: return InviteeProblem(.payloadTooLarge, "invitee.error.too_large")
        default: return InviteeProblem(abort.status, "invitee.error.form")
        }
    }
}

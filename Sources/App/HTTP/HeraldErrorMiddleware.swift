import Vapor

/// Turns every error into a response a person can act on: JSON under `/api`, SCIM error JSON under `/scim`, an HTML
/// page elsewhere.
/// Internal details of unexpected errors are logged, never shown, in every environment: a database or file error's
/// text carries SQL, server paths and schema names, which are of use to an attacker and of none to the person asking.
struct HeraldErrorMiddleware: AsyncMiddleware {
    static let unexpectedReason = "Something went wrong on our side. It has been logged."

    struct APIErrorBody: Content {
        let error: Bool
        let status: Int
        let reason: String
        /// The reason's problems, each with the field it names (machine-readable) and the message.
        let problems: [ProblemLine]?
    }

    struct ErrorPage: Encodable {
        let title: String
        let status: Int
        let reason: String
        let hint: String?
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let caught {
            var error = caught
            if let unavailable = DatabaseUnavailable.abort(for: caught) {
                request.logger.warning("database unavailable: \(String(reflecting: caught))")
                error = unavailable
            } else if let conflict = UniqueViolation.abort(for: caught) {
                request.logger.info("unique violation answered 409: \(String(reflecting: caught))")
                error = conflict
            }
            let (status, reason) = describe(error, request: request)
            if request.url.path.hasPrefix("/scim/") {
                // SCIM clients read `scimType`; a lost race on a unique index is SCIM's "uniqueness".
                let scimType = (error as? SCIMError)?.scimType ?? (status == .conflict ? "uniqueness" : nil)
                return SCIMError.response(status: status, scimType: scimType, detail: reason, headers: (error as? any AbortError)?.headers ?? [:])
            }
            if request.url.path.hasPrefix("/api/") || request.url.path == "/healthz" {
                let response = Response(status: status)
                let problems = ProblemLine.lines(of: error, reason: reason)
                try response.content.encode(APIErrorBody(error: true, status: Int(status.code), reason: reason, problems: problems))
                if let abort = error as? any AbortError { response.headers.add(contentsOf: abort.headers) }
                return response
            }
            // People read fields by their labels: "Repeat the password: ...", not "password_confirmation: ...".
            let readable = ProblemLine.lines(of: error, reason: reason).map { $0.humanized(catalog: request.herald.catalog) }
            let page = ErrorPage(title: status.reasonPhrase, status: Int(status.code), reason: readable.joined(separator: "; "), hint: hint(for: status))
            do {
                let response = try await request.view.render("error", page).encodeResponse(for: request).get()
                response.status = status
                if let abort = error as? any AbortError { response.headers.add(contentsOf: abort.headers) }
                return response
            } catch {
                // The error page itself failed (e.g. a missing template): fall back to plain text.
                request.logger.report(error: error)
                return Response(status: status, body: .init(string: "\(status.code) \(status.reasonPhrase): \(reason)"))
            }
        }
    }

    private func describe(_ error: any Error, request: Request) -> (HTTPResponseStatus, String) {
        switch error {
        // DecodingError is also an AbortError in Vapor; ours names the field the way every other error does.
        case let decoding as DecodingError:
            return (.badRequest, DecodingErrorDescription.describe(decoding))
        // SCIM's refusals, including 501 for what it does not offer.
        case let scim as SCIMError:
            return (scim.status, scim.detail)
        // Herald's own words (and Vapor's `Abort`): written for the person who sent the request.
        case let abort as Abort:
            if abort.status.code >= 500 { request.logger.report(error: error) }
            return (abort.status, RequestBodyLimit.explained(abort, request: request))
        // Other libraries' errors describe the request when they blame it (a malformed form key, an unknown route);
        // when they blame the server their reason is internal (Leaf names the template file it could not read).
        case let abort as any AbortError where abort.status.code < 500:
            return (abort.status, abort.reason)
        default:
            request.logger.report(error: error)
            return (.internalServerError, Self.unexpectedReason)
        }
    }

    private func hint(for status: HTTPResponseStatus) -> String? {
        switch status {
        case .unauthorized: "Sign in and try again."
        case .forbidden: "Ask an account administrator of your organization for access."
        case .notFound: "Check the address, or go back to the console."
        case .gone: "Ask the person who invited you for a new link."
        case .tooManyRequests: "Wait a few minutes before trying again."
        default: nil
        }
    }
}

/// Names the offending field in a decoding error ("email: required") instead of Swift's type-level wording.
enum DecodingErrorDescription {
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            let joined = keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "body" : joined
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context, key)): is required"
        case .valueNotFound(_, let context): return "\(path(context)): is required"
        case .typeMismatch(let type, let context): return "\(path(context)): must be \(friendlyName(type))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "body: is not valid (\(context.debugDescription))" : "\(path(context)): is not valid"
        @unknown default: return "body: could not be read"
        }
    }

    private static func friendlyName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        default: "a \(type)"
        }
    }
}

import Vapor

/// A console form the server refused, shown in place: the page the form is on is rendered again, the reason next to
/// the form (or the list row) it came from, with what was typed, and the refusal's status. Never a bare error page.
///
/// Register the form's POST with `RoutesBuilder.consoleForm(_:page:use:)`; `page` is the GET handler of the page the
/// form is on. Templates read `refusal` from the layout's model:
/// ```leaf
/// #if(refusal.target == row.id):<p class="error" role="alert">#(refusal.message)</p>#endif
/// <input name="note" value="#if(refusal.target == row.id):#(refusal.values.note)#endif">
/// ```
/// Destructive actions show theirs on their confirmation step instead (`Confirmation`).
struct FormRefusal: Encodable, Sendable {
    /// The form's path, as posted.
    let action: String
    /// The `:id` of the row the form belongs to, when the form is one of a list's rows.
    let target: String?
    /// The field the reason names ("note: must be at most 1000 characters" names `note`), when it names one.
    let field: String?
    /// The reason, without the field's name in front.
    let message: String
    /// What was typed, to put back in the form.
    let values: [String: String]

    init(_ req: Request, reason: String) {
        action = req.url.path
        target = req.parameters.get("id")
        let fields = (try? req.content.decode([String: String].self)) ?? [:]
        values = fields.filter { $0.key != CSRF.formField }
        // "field: what is wrong" is the convention of every refusal in Herald (ValidationProblems, Abort reasons).
        if let colon = reason.firstIndex(of: ":"), reason[..<colon].allSatisfy({ $0.isLetter || $0 == "_" }), !reason[..<colon].isEmpty {
            field = String(reason[..<colon])
            message = reason[reason.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        } else {
            field = nil
            message = reason
        }
    }

    private struct Key: StorageKey { typealias Value = FormRefusal }

    static func current(_ req: Request) -> FormRefusal? { req.storage[Key.self] }
    static func set(_ refusal: FormRefusal, on req: Request) { req.storage[Key.self] = refusal }
}

extension RoutesBuilder {
    /// Registers a console form's POST; a refusal (any 4xx but 401 and 403, which are about the person, not the form)
    /// renders `page` again with the refusal in place, with the refusal's status.
    func consoleForm<Page: AsyncResponseEncodable>(
        _ path: PathComponent..., page: @escaping @Sendable (Request) async throws -> Page,
        use action: @escaping @Sendable (Request) async throws -> Response
    ) {
        post(path) { req in
            do {
                return try await action(req)
            } catch let refusal as any AbortError where refusal.status.code < 500 && ![.unauthorized, .forbidden].contains(refusal.status) {
                FormRefusal.set(FormRefusal(req, reason: refusal.reason), on: req)
                let response = try await page(req).encodeResponse(for: req)
                response.status = refusal.status
                response.headers.add(contentsOf: refusal.headers)
                return response
            }
        }
    }
}

extension View {
    /// A settings form whose input has problems: its page again, with the problems listed, as 422.
    func unprocessable(for req: Request) async throws -> Response {
        let response = try await encodeResponse(for: req).get()
        response.status = .unprocessableEntity
        return response
    }
}

import Vapor

/// Pages invitees see (join, download, activation, bad links): no console chrome, in the invitation's language,
/// with a language switch. `t` carries the page's translated strings so templates hold no English.
struct InviteePage<Content: Encodable>: Encodable {
    struct LanguageChoice: Encodable {
        let code: String
        let name: String
        let current: Bool
        let url: String
    }

    let language: String
    let title: String
    let csrf: String
    let languages: [LanguageChoice]
    let t: [String: String]
    let content: Content
}

extension Request {
    /// The language for an invitee page: `?lang=` (the switch), else the invitation's, else `Accept-Language`.
    func inviteeLanguage(invitation: String? = nil) -> Language {
        // Vapor decodes the whole query to read one value; most links are opened without one.
        if url.query?.isEmpty == false, let chosen = (try? query.get(String.self, at: "lang")).flatMap(Language.init(code:)) { return chosen }
        if let invitation, let language = Language(code: invitation) { return language }
        return Language.preferred(acceptLanguage: headers.first(name: .acceptLanguage))
    }

    /// Renders an invitee page; `keys` are catalog keys the template shows, looked up in `language`.
    func renderInviteePage<Content: Encodable>(
        _ template: String, language: Language, titleKey: String, keys: [String], arguments: [String: String] = [:],
        _ content: Content, status: HTTPStatus = .ok
    ) async throws -> Response {
        let page = inviteePage(language: language, titleKey: titleKey, keys: keys, arguments: arguments, content)
        return inviteeResponse(try await herald.pageSkeletons.render(template, page, for: self), status: status)
    }

    func inviteePage<Content: Encodable>(
        language: Language, titleKey: String, keys: [String], arguments: [String: String], _ content: Content
    ) -> InviteePage<Content> {
        let catalog = herald.catalog
        var strings: [String: String] = [:]
        for key in keys + [titleKey, "page.language", "page.skip_to_content"] {
            // Leaf reads `t.join_title`: a dot would be a path.
            strings[String(decoding: key.utf8.map { $0 == UInt8(ascii: ".") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)] = catalog.text(key, language, arguments)
        }
        let path = url.path
        return InviteePage(
            language: language.rawValue, title: catalog.text(titleKey, language, arguments), csrf: CSRF.linkBoundToken(path: path, key: herald.linkFormKey),
            languages: Language.allCases.map { .init(code: $0.rawValue, name: $0.nativeName, current: $0 == language, url: "\(path)?lang=\($0.rawValue)") },
            t: strings, content: content
        )
    }

    func inviteeResponse(_ body: ByteBuffer, status: HTTPStatus) -> Response {
        // Token-bearing URLs must not leak to other sites through the Referer header, nor be cached.
        let headers: HTTPHeaders = ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"]
        return Response(status: status, headers: headers, body: .init(buffer: body))
    }
}

import Crypto
import Fluent
import Vapor

/// A request for one page of a list: `?cursor=` (a token from a previous page's link) and `?limit=`, read at the
/// edge; and the links to the neighbouring pages, which keep the request's filters.
///
/// `page` and `per_page` (offset paging, before issue 16) are refused with a 400 naming their replacement rather
/// than ignored: a script that still sends `page=2` would otherwise read page 1 again and again without noticing.
struct ListRequest: Sendable {
    static let maximumLimit = 1_000

    let limit: Int
    private let token: String?
    private let key: SymmetricKey
    private let path: String
    private let query: [URLQueryItem]

    init(_ req: Request, defaultLimit: Int) throws(Abort) {
        for retired in ["page", "per_page"] where (try req.queryText(retired)).isEmpty == false {
            throw Abort(.badRequest, reason: "\(retired): lists are paged with cursor and limit; follow the next link")
        }
        limit = try req.query(WholeNumber<ListLimit>.self, "limit")?.value ?? defaultLimit
        token = try req.queryText(ListCursor.field, maximumLength: 2_000).nilIfEmpty
        key = req.herald.listCursorKey
        path = req.url.path
        query = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { $0.name != ListCursor.field }
    }

    /// The cursor the request carries, checked against the ordering the list is read in; nil on the first page.
    func cursor<Row>(for ordering: ListOrdering<Row>) throws(Abort) -> ListCursor? {
        try token.map { token throws(Abort) in try ListCursor(token: token, ordering: ordering.name, key: key) }
    }

    /// One page of `query` in `ordering`, from the request's cursor.
    func page<Row>(_ query: QueryBuilder<Row>, _ ordering: ListOrdering<Row>) async throws -> ListPage<Row> {
        try await ordering.page(query, from: try cursor(for: ordering), limit: limit)
    }

    /// This list's path and query with `cursor` set to the position (every filter kept); nil without one.
    func link(_ cursor: ListCursor?) -> String? {
        guard let cursor else { return nil }
        var url = URLComponents()
        url.path = path
        url.queryItems = query + [URLQueryItem(name: ListCursor.field, value: cursor.token(key: key))]
        // URLComponents leaves "+" alone in a query, where it would read as a space.
        return url.string?.replacingOccurrences(of: "+", with: "%2B")
    }

    /// A console page's links: its neighbours and its CSV export at `exportPath`, every filter kept.
    func links<Row>(_ page: ListPage<Row>, export exportPath: String) -> ListLinks {
        ListLinks(previous: link(page.previous), next: link(page.next), export: exportLink(exportPath))
    }

    /// The whole list with the same filters at `path` (its CSV export): no cursor, no limit.
    func exportLink(_ path: String) -> String {
        var url = URLComponents()
        url.path = path
        let filters = query.filter { $0.name != "limit" }
        url.queryItems = filters.isEmpty ? nil : filters
        return url.string?.replacingOccurrences(of: "+", with: "%2B") ?? path
    }

    /// An API page: the rows as a JSON array; `Link` names the next page (`rel="next"`) and the previous one
    /// (`rel="prev"`) while there are.
    func response<Row, DTO: Content>(_ page: ListPage<Row>, for req: Request, _ dto: (Row) throws -> DTO) async throws -> Response {
        let response = try await page.rows.map(dto).encodeResponse(for: req)
        setLinks(page, on: response)
        return response
    }

    func setLinks<Row>(_ page: ListPage<Row>, on response: Response) {
        let links = [(link(page.next), "next"), (link(page.previous), "prev")].compactMap { url, rel in url.map { "<\($0)>; rel=\"\(rel)\"" } }
        if !links.isEmpty { response.headers.replaceOrAdd(name: .link, value: links.joined(separator: ", ")) }
    }
}

/// Where a console list links to: the neighbouring pages (nil at either end) and the whole list as CSV.
struct ListLinks: Encodable, Sendable {
    let previous: String?
    let next: String?
    let export: String
}

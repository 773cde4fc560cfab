import Vapor

/// One page of a long list, read from `?page=` (and `?per_page=` on the API): every list an organization can
/// grow without bound (directory users and groups) is served a page at a time: rendering all of them at once
/// built megabytes of HTML on an event loop and stalled every connection it served.
struct PageRequest: Sendable, Equatable {
    static let maximumPage = 1_000_000
    static let maximumSize = 1_000

    let page: Int
    let size: Int

    var offset: Int { (page - 1) * size }

    /// Range-checked at the edge, so that the offset arithmetic cannot overflow.
    init(_ request: Request, pageField: String = "page", defaultSize: Int) throws {
        page = try Self.number(request, pageField, default: 1, in: 1...Self.maximumPage)
        size = try Self.number(request, "per_page", default: defaultSize, in: 1...Self.maximumSize)
    }

    private static func number(_ request: Request, _ field: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = request.query[String.self, at: field], !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw Abort(.badRequest, reason: "\(field): must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// Fetches one more row than the page holds, to know whether a next page exists without counting.
    func slice<Row>(_ fetch: (_ offset: Int, _ limit: Int) async throws -> [Row]) async throws -> (rows: [Row], next: Int?, previous: Int?) {
        let rows = try await fetch(offset, size + 1)
        return (Array(rows.prefix(size)), rows.count > size ? page + 1 : nil, page > 1 ? page - 1 : nil)
    }

    /// One page of an API list: the rows as a JSON array, and a `Link: <…>; rel="next"` header naming the next page
    /// (the request's own path and query, with `page` and `per_page` set) while there is one.
    func response<Row: Content>(_ rows: [Row], next: Int?, for request: Request) async throws -> Response {
        let response = try await rows.encodeResponse(for: request)
        if let next {
            var url = URLComponents()
            url.path = request.url.path
            url.queryItems = (URLComponents(string: request.url.string)?.queryItems ?? []).filter { !["page", "per_page"].contains($0.name) }
                + [URLQueryItem(name: "page", value: String(next)), URLQueryItem(name: "per_page", value: String(size))]
            response.headers.replaceOrAdd(name: .link, value: "<\(url.string ?? request.url.path)>; rel=\"next\"")
        }
        return response
    }
}

import Vapor

/// One page of a short list by page number (`?groups_page=`: the directory's groups, a few hundred at most). Lists
/// that grow without bound are read by keyset instead (`ListRequest`, `ListOrdering`): an offset costs as many rows
/// as it skips.
struct PageRequest: Sendable, Equatable {
    static let maximumPage = 1_000_000

    let page: Int
    let size: Int

    var offset: Int { (page - 1) * size }

    /// Range-checked at the edge, so that the offset arithmetic cannot overflow.
    init(_ request: Request, pageField: String, size: Int) throws {
        page = try Self.number(request, pageField, default: 1, in: 1...Self.maximumPage)
        self.size = size
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
}

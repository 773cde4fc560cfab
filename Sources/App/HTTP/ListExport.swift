import Fluent
import HeraldCore
import Vapor

/// A whole list as a CSV download, streamed: the rows are read a keyset page at a time and each page is written to
/// the connection before the next is read, so a million invitations never sit in memory (the response is chunked,
/// its length unknown in advance). Cells go through `SpreadsheetSafeCSVWriter`: a name like `=HYPERLINK(…)` stays
/// text in a spreadsheet.
struct ListExport<Row: Model>: Sendable where Row.IDValue == UUID {
    /// Rows read per page: large enough that the per-query cost disappears, small enough to stay a few hundred KB.
    static var batchSize: Int { 1_000 }

    let header: [String]
    let ordering: ListOrdering<Row>
    /// The list's query with its filters, made anew for every page.
    let query: @Sendable (any Database) throws -> QueryBuilder<Row>
    /// The CSV cells of one page of rows (a page at a time, so that what they need is read once per page).
    let pageCells: @Sendable ([Row], any Database) async throws -> [[String]]

    init(header: [String], ordering: ListOrdering<Row>, query: @escaping @Sendable (any Database) throws -> QueryBuilder<Row>,
         pageCells: @escaping @Sendable ([Row], any Database) async throws -> [[String]]) {
        self.header = header
        self.ordering = ordering
        self.query = query
        self.pageCells = pageCells
    }

    init(header: [String], ordering: ListOrdering<Row>, query: @escaping @Sendable (any Database) throws -> QueryBuilder<Row>,
         cells: @escaping @Sendable (Row) throws -> [String]) {
        self.init(header: header, ordering: ordering, query: query) { rows, _ in try rows.map(cells) }
    }

    /// A `text/csv` attachment named `filename`, UTF-8 with a byte-order mark (Excel reads it as UTF-8 only then).
    func response(for req: Request, filename: String) -> Response {
        let db = req.db
        let response = Response(status: .ok, body: .init(managedAsyncStream: { writer in
            try await writer.write(.buffer(ByteBuffer(string: "\u{FEFF}")))
            try await write(from: db) { chunk in try await writer.write(.buffer(ByteBuffer(string: chunk))) }
        }))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// The header line, then every row, one chunk of CSV lines per page, in the list's order.
    func write(from db: any Database, _ chunk: (String) async throws -> Void) async throws {
        try await chunk(SpreadsheetSafeCSVWriter.line(header))
        var cursor: ListCursor?
        repeat {
            let page = try await ordering.page(try query(db), from: cursor, limit: Self.batchSize)
            guard !page.rows.isEmpty else { return }
            try await chunk(try await pageCells(page.rows, db).map(SpreadsheetSafeCSVWriter.line).joined())
            cursor = page.next
        } while cursor != nil
    }
}

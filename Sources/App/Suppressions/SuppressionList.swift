import Fluent
import HeraldCore
import Vapor

/// The suppression list as the console, the API and the CSV export read it: by address, optionally from the start
/// of an address (`?q=`), paged by keyset on the (organization, address) unique index.
struct SuppressionList: Sendable {
    let addressPrefix: String

    static let byAddress = ListOrdering<SuppressedAddress>(name: "suppressions.address", column: "address", kind: .bytes, descending: false) {
        .text($0.address)
    }

    init(_ req: Request) throws {
        addressPrefix = try req.queryText("q").trimmingCharacters(in: .whitespaces).lowercased()
    }

    func query(organizationID: UUID, on db: any Database) throws -> QueryBuilder<SuppressedAddress> {
        let query = SuppressedAddress.query(on: db).filter(\.$organization.$id == organizationID)
        return addressPrefix.isEmpty ? query : try Self.byAddress.prefix(addressPrefix, of: query)
    }

    /// The whole filtered list as CSV (`SuppressionCSV.header`), streamed; an exported file imports as it is.
    func export(organizationID: UUID, for req: Request) -> Response {
        let list = self
        return ListExport(header: SuppressionCSV.header, ordering: Self.byAddress,
                          query: { db in try list.query(organizationID: organizationID, on: db) }) { entry in
            [entry.address, entry.reason.rawValue, entry.remoteReason ?? "", entry.addedBy, DisplayDate.format(entry.createdAt)]
        }.response(for: req, filename: "suppressions.csv")
    }

    /// Imports a CSV: every row added as `imported` (addresses on the list already are left as they are), or
    /// nothing when the file has a problem. Returns (added, already listed).
    static func importCSV(_ data: Data, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> (added: Int, existing: Int) {
        let parsed = SuppressionCSV.parse(data)
        guard parsed.errors.isEmpty else {
            throw ValidationProblems(parsed.errors.prefix(20).map { "csv: \($0.description)" })
        }
        var added = 0
        for chunk in parsed.rows.chunked(500) {
            added += try await db.transaction { db in
                var count = 0
                for row in chunk {
                    if try await Suppressions.insertImported(organizationID: organizationID, address: row.address.normalized, note: row.note,
                                                             addedBy: actor.label, on: db) { count += 1 }
                }
                return count
            }
        }
        try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .suppressionsImported,
                                  targetType: "suppressed_address", targetLabel: "\(parsed.rows.count) addresses",
                                  details: "\(added) added, \(parsed.rows.count - added) already listed")
        return (added, parsed.rows.count - added)
    }
}

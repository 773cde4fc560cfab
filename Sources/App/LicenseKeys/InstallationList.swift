import Fluent
import Vapor

/// One license key's installations as the console, the API and the CSV export read them: newest activation first,
/// filtered by status, paged by keyset on (activated_at, id) (a key with 100,000 seats is shown a page at a time).
struct InstallationList: Sendable {
    let status: InstallationStatus?

    static let newestFirst = ListOrdering<Installation>(name: "installations.newest", column: "activated_at", kind: .date, descending: true) {
        .date($0.activatedAt)
    }

    init(_ req: Request) throws {
        status = try InvitationList.choice(req.queryText("status"), field: "status")
    }

    init(status: InstallationStatus?) {
        self.status = status
    }

    func query(keyID: UUID, on db: any Database) -> QueryBuilder<Installation> {
        let query = Installation.query(on: db).filter(\.$licenseKey.$id == keyID).with(\.$invitation)
        return status.map { query.filter(\.$status == $0) } ?? query
    }

    /// The whole filtered list as CSV, spreadsheet-safe, read a page at a time.
    func export(keyID: UUID) -> ListExport<Installation> {
        let list = self
        return ListExport(header: ["computer_name", "operating_system", "serial_number", "mac_address", "status",
                                   "activated", "deactivated", "invitation_email", "certificate_serial", "excess"],
                          ordering: Self.newestFirst, query: { db in list.query(keyID: keyID, on: db) }) { installation in
            [installation.computerName, installation.operatingSystem, installation.serialNumber ?? "",
             installation.macAddress ?? "", installation.status.rawValue, DisplayDate.format(installation.activatedAt),
             installation.deactivatedAt.map { DisplayDate.format($0) } ?? "", installation.invitation?.email ?? "",
             installation.certificateSerial, installation.excess ? "yes" : ""]
        }
    }
}

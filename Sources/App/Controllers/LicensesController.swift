import Fluent
import Vapor

/// The organization's license keys with seat usage. The secret key itself is never part of this page.
enum LicensesController {
    struct Row: Encodable {
        let name: String
        let product: String
        let seats: Int
        let used: Int
        let expires: String
    }

    static func list(_ req: Request) async throws -> View {
        let organizationID = try req.console.organization.id!
        let keys = try await LicenseKey.query(on: req.db).filter(\.$organization.$id == organizationID).sort(\.$name).all()
        var rows: [Row] = []
        for key in keys {
            let used = try await Installation.query(on: req.db).filter(\.$licenseKey.$id == key.id!).filter(\.$status == "active").count()
            rows.append(Row(name: key.name, product: key.product, seats: key.seats, used: used, expires: DisplayDate.format(key.expiresAt)))
        }
        return try await req.renderPage("licenses", section: .licenses, ["rows": rows])
    }
}

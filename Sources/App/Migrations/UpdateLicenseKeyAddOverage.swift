import Fluent
import SQLKit

/// Overage (#20): each key's allowance over its seats in percent (0: none, the behaviour so far), and each
/// installation's flag saying it holds one of those extra seats.
struct UpdateLicenseKeyAddOverage: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LicenseKey.schema)
            .field("overage_percent", .int, .required, .sql(.default(0))).update()
        try await database.schema(Installation.schema)
            .field("excess", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Installation.schema).deleteField("excess").update()
        try await database.schema(LicenseKey.schema).deleteField("overage_percent").update()
    }
}

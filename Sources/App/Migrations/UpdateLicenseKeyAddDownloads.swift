import Fluent

/// Per-platform installer URLs shown on an invitee's download page.
struct UpdateLicenseKeyAddDownloads: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LicenseKey.schema).field("downloads", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LicenseKey.schema).deleteField("downloads").update()
    }
}

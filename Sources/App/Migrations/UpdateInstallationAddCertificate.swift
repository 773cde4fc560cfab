import Fluent

/// The certificate issued at activation, kept with the installation so that a product activating again gets the
/// very same certificate back without a new signature; with the public URL it was issued under, because its
/// claims name that URL (issuer, key and revocation list addresses).
struct UpdateInstallationAddCertificate: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        try await database.schema(Installation.schema).field("certificate", .string).update()
        try await database.schema(Installation.schema).field("certificate_issuer", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Installation.schema).deleteField("certificate_issuer").update()
        try await database.schema(Installation.schema).deleteField("certificate").update()
    }
}

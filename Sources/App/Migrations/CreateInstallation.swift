import Fluent

struct CreateInstallation: AsyncMigration {
    static let uniqueCertificateSerial = "uq_installations_certificate_serial"

    func prepare(on database: any Database) async throws {
        try await database.schema(Installation.schema)
            .id()
            .field("license_key_id", .uuid, .required, .references(LicenseKey.schema, .id, onDelete: .cascade))
            .field("activation_code_id", .uuid, .references(ActivationCodeRecord.schema, .id, onDelete: .setNull))
            .field("invitation_id", .uuid, .references(Invitation.schema, .id, onDelete: .setNull))
            .field("fingerprint", .string, .required)
            .field("computer_name", .string, .required)
            .field("operating_system", .string, .required)
            .field("serial_number", .string)
            .field("mac_address", .string)
            .field("status", .string, .required)
            .field("certificate_serial", .string, .required)
            .field("activated_at", .datetime, .required)
            .field("deactivated_at", .datetime)
            .unique(on: "certificate_serial", name: Self.uniqueCertificateSerial)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Installation.schema).delete()
    }
}

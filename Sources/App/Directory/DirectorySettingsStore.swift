import Fluent
import Vapor

/// The organization's directory settings (`DirectorySettings`), and the rule they set for hand edits: while LDAP or
/// SCIM provisions the directory, the records it wrote change only through it.
enum DirectorySettingsStore {
    static func settings(of organizationID: UUID, on db: any Database) async throws -> DirectorySettings {
        if let row = try await DirectorySettings.query(on: db).filter(\.$organization.$id == organizationID).first() { return row }
        let defaults = DirectorySettings()
        defaults.$organization.id = organizationID
        return defaults
    }

    static func provisioning(of organizationID: UUID, on db: any Database) async throws -> DirectoryProvisioning {
        try await settings(of: organizationID, on: db).provisioning
    }

    static func save(provisioning: DirectoryProvisioning, blockMembersOnDeprovision: Bool, organizationID: UUID,
                     actor: AuditActor, on db: any Database) async throws {
        let settings = try await settings(of: organizationID, on: db)
        guard settings.provisioning != provisioning || settings.blockMembersOnDeprovision != blockMembersOnDeprovision else { return }
        settings.provisioning = provisioning
        settings.blockMembersOnDeprovision = blockMembersOnDeprovision
        try await db.transaction { db in
            try await settings.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .directorySettingsChanged,
                                      targetType: "directory", targetLabel: "directory settings",
                                      details: "source: \(provisioning.label), block members on deprovisioning: \(blockMembersOnDeprovision ? "yes" : "no")")
        }
    }

    /// 409 when `source` (a record's) belongs to the provisioning in force: the change must be made in the source.
    static func refuseHandEdit(of source: DirectorySource, what: String, organizationID: UUID, on db: any Database) async throws {
        let provisioning = try await provisioning(of: organizationID, on: db)
        guard let owner = provisioning.recordSource, owner == source else { return }
        throw Abort(.conflict, reason: "\(what): is provisioned by \(provisioning.label) from your identity provider; change it there")
    }

    /// 409 for a CSV import while an external source provisions the directory: it would fight the source.
    static func refuseImport(organizationID: UUID, on db: any Database) async throws {
        let provisioning = try await provisioning(of: organizationID, on: db)
        guard provisioning != .csv else { return }
        throw Abort(.conflict, reason: "csv: the directory is provisioned by \(provisioning.label); CSV import is off until the source is set back to CSV")
    }
}

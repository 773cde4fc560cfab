import Fluent
import HeraldCore
import Vapor

/// Reads and writes an organization's client URL scheme and download links.
enum ClientDownloadsStore {
    static func downloads(for organizationID: UUID, on db: any Database) async throws -> ClientDownloads {
        try await ClientInvitationSettings.query(on: db).filter(\.$organization.$id == organizationID).first()?.downloads ?? .standard
    }

    static func save(_ downloads: ClientDownloads, organizationID: UUID, actor: AuditActor, on db: any Database) async throws {
        let problems = downloads.problems()
        guard problems.isEmpty else { throw Abort(.badRequest, reason: problems.map(\.description).joined(separator: "; ")) }
        try await db.transaction { db in
            let row = try await ClientInvitationSettings.query(on: db).filter(\.$organization.$id == organizationID).first() ?? {
                let fresh = ClientInvitationSettings()
                fresh.$organization.id = organizationID
                return fresh
            }()
            row.downloads = downloads
            try await row.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .clientSettingsChanged,
                                      targetType: "client_settings", targetID: row.id, targetLabel: downloads.urlScheme)
        }
    }
}

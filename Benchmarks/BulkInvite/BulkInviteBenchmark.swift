import App
import BenchmarkSupport
import Fluent
import Foundation
import HeraldCore
import MIME
import Vapor

/// Reads a single-column CSV and either makes real install invitations (codes, links, queued emails) or, as the
/// reference, only inserts one plain invitation row per address. Returns the seconds the work took.
enum BulkInviteBenchmark {
    static func run(app: Application, csvPath: String, reference: Bool) async throws -> (seconds: Double, rows: Int) {
        try await app.autoMigrate()
        let (organizationID, key) = try await organizationWithKey(app, seats: 100)
        let start = Date()
        let addresses = try addresses(csvPath)
        if reference {
            try await insertPlainRows(addresses, organizationID: organizationID, on: app.db)
        } else {
            _ = try await InstallInvitationBatch.send(.init(
                keyID: try key.requireID(), recipients: addresses, language: .en, expiresAt: Date().addingTimeInterval(7 * 86_400),
                inviterID: nil, actor: .system
            ), mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets, turns: app.herald.installInvitationTurns, on: app.db)
        }
        return (Date().timeIntervalSince(start), addresses.count)
    }

    /// The same multi-row INSERT path as the real batch, so the ratio measures codes, links and emails.
    private static func insertPlainRows(_ addresses: [EmailAddress], organizationID: UUID, on db: any Database) async throws {
        let expires = Date().addingTimeInterval(7 * 86_400)
        try await db.transaction { db in
            for chunk in addresses.chunked(InstallInvitationBatch.chunkSize) {
                let rows = chunk.map { address in
                    let invitation = Invitation()
                    invitation.id = UUID()
                    invitation.$organization.id = organizationID
                    invitation.kind = .install
                    invitation.email = address.description
                    invitation.language = "en"
                    invitation.status = .pending
                    invitation.expiresAt = expires
                    return invitation
                }
                try await BulkInsert.invitations(rows, on: db, now: Date())
            }
        }
    }

    /// Only the addresses outlive parsing: the line numbers and the duplicate check's set are freed before sending.
    private static func addresses(_ csvPath: String) throws -> [EmailAddress] {
        let list = RecipientListParser().parseCSV(fileAtPath: csvPath)
        guard list.errors.isEmpty else { throw BenchmarkFailure(list.errors.map(\.description).joined(separator: "; ")) }
        return list.addresses
    }
}

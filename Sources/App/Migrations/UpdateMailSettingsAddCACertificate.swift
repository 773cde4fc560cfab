import Fluent
import Foundation
import SMTP
import SQLKit

/// The private CA an organization trusts for its SMTP server is now stored as PEM text with its settings, not as
/// a path on Herald's server: a path let an administrator probe the server's file system (`/etc/shadow` "is not
/// readable" versus "is not a file").
///
/// Existing rows: a `ca_file` that is readable and holds PEM certificates when the migration runs is copied into
/// `ca_certificate`, so delivery keeps trusting the same CA. A path that cannot be read or parsed is dropped; the
/// organization then trusts the system's CAs only, and its test email reports the TLS failure until an
/// administrator pastes the certificate. Either way `ca_file` is emptied and never read again. `revert` removes
/// the new column; the paths are not restored.
struct UpdateMailSettingsAddCACertificate: AsyncMigration {
    /// The two columns as they are at this migration, independent of later changes to `MailSettings`.
    private final class Row: Model, @unchecked Sendable {
        static let schema = MailSettings.schema
        @ID(key: .id) var id: UUID?
        @OptionalField(key: "ca_file") var caFile: String?
        @OptionalField(key: "ca_certificate") var caCertificate: String?
        init() {}
    }

    /// Larger than any real chain of a few certificates, small enough to store with every organization's settings.
    static let largestPEM = 64 * 1024

    func prepare(on database: any Database) async throws {
        try await database.schema(MailSettings.schema).field("ca_certificate", .string).update()
        for row in try await Row.query(on: database).filter(\.$caFile != nil).all() {
            row.caCertificate = row.caFile.flatMap(Self.pemContent)
            row.caFile = nil
            try await row.save(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        // In SQL: Fluent's schema builder skips dropping a column on SQLite, which has supported it since 3.35.
        try await database.sql.raw("ALTER TABLE \(ident: MailSettings.schema) DROP COLUMN \(ident: "ca_certificate")").run()
    }

    static func pemContent(atPath path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path), data.count <= largestPEM,
              let text = String(data: data, encoding: .utf8), SMTPTLS.problem(withCACertificatesPEM: text) == nil else { return nil }
        return text
    }
}

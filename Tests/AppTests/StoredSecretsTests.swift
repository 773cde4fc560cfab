@testable import App
import Fluent
import Foundation
import HeraldCore
import SQLKit
import Testing
import VaporTesting

/// Reads every table the way someone with a database dump would, and finds none of the secrets Herald handed out.
@Suite("secrets at rest")
struct StoredSecretsTests {
    @Test("no table holds a plain join link, API token, setup link, session ID or SMTP password")
    func noPlainSecretsInTables() async throws {
        try await withHerald { app in
            // given: every kind of secret Herald hands out, each still valid
            let setupLink = try #require(try await FirstRunSetup.linkIfNeeded(app: app))
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let session = try #require(admin.cookie?.split(separator: "=").last.map(String.init))
            let account = try #require(try await Account.query(on: app.db).first())
            let organizationID = try #require(try await Organization.query(on: app.db).first()?.requireID())
            let apiToken = try await APITokenService.create(name: "ci", scope: .administration, organizationID: organizationID, accountID: account.requireID(),
                                                            actor: .system, on: app.db).token
            try await MailFixtures.useSMTP(app, organizationID: organizationID, port: 2525, tls: "starttls", username: "relay", password: "smtp-Password-7781")
            _ = try await admin.post("/console/invitations/join", form: ["emails": "queued@example.com"], csrfFrom: "/console/invitations")
            let joinToken = try #require(try await OutboxReader.joinPath(app, to: "queued@example.com").split(separator: "/").last.map(String.init))
            let secrets = [
                "setup link": String(try #require(setupLink.split(separator: "/").last)), "session ID": session,
                "API token": apiToken, "join token (queued, not yet sent)": joinToken, "SMTP password": "smtp-Password-7781",
            ]

            // when
            let cells = try await Self.everyCell(app)

            // then
            #expect(cells.count > 100, "the dump read the tables")
            for (kind, secret) in secrets {
                #expect(secret.count >= 16)
                let found = cells.filter { $0.value.contains(secret) }.map(\.place)
                #expect(found.isEmpty, "the \(kind) is stored in plain text in \(found)")
            }
            // and the sealed mail is still delivered as written
            #expect(OutboxReader.text(try #require(try await OutboxReader.messages(app, to: "queued@example.com").first)).contains(joinToken))
        }
    }

    /// Every cell of every table as text (blobs decoded as UTF-8 and Latin-1), labelled `table.column`.
    static func everyCell(_ app: Application) async throws -> [(place: String, value: String)] {
        let sql = try app.db.sql
        let tables: [String] = TestDatabase.isPostgres
            ? try await sql.raw("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()").all()
                .map { try $0.decode(column: "name", as: String.self) }
            : try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all().map { try $0.decode(column: "name", as: String.self) }
        var cells: [(String, String)] = []
        for table in tables {
            for row in try await sql.raw("SELECT * FROM \(ident: table)").all() {
                for column in row.allColumns {
                    if let text = try? row.decode(column: column, as: String.self) {
                        cells.append(("\(table).\(column)", text))
                    } else if let data = try? row.decode(column: column, as: Data.self) {
                        cells.append(("\(table).\(column)", String(decoding: data, as: UTF8.self) + String(data: data, encoding: .isoLatin1)!))
                    }
                }
            }
        }
        return cells
    }
}

@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Install invitation email, download page and installations export")
struct InstallPageTests {
    @Test("the email carries instructions, link and code in the invitation's language, never the real key")
    func emailContent() throws {
        // given
        let catalog = try MessageCatalog.load(directory: DirectoryConfiguration.detect().resourcesDirectory + "Locales")
        let parts = InstallInvitationEmail.Parts(product: "Herald Pro", organization: "Acme", downloadURL: "https://h.test/install/TOKEN",
                                                 code: "K7QH-M3XP-9TRD-WN4C-H2JA", expiresAt: Date(timeIntervalSince1970: 1_800_000_000))
        // when
        let french = InstallInvitationEmail.content(parts, language: .fr, catalog: catalog)
        let japanese = InstallInvitationEmail.content(parts, language: .ja, catalog: catalog)
        // then
        #expect(french.subject == "Installer Herald Pro")
        #expect(french.text.contains("K7QH-M3XP-9TRD-WN4C-H2JA") && french.text.contains("https://h.test/install/TOKEN"))
        #expect(french.text.contains("Code d'activation"))
        #expect(japanese.html.contains("アクティベーションコード"))
    }

    @Test("the download page shows the code only while the invitation is pending; unknown links get a clear page")
    func downloadPageStates() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 1, language: .es)
            let path = try #require(URL(string: invited.rows[0].downloadURL)).path
            // when
            let pending = try await app.testing().sendRequest(.GET, path)
            _ = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-page-test")
            let used = try await app.testing().sendRequest(.GET, path)
            let unknown = try await app.testing().sendRequest(.GET, "/install/not-a-token", headers: ["Accept-Language": "de"])
            // then
            #expect(pending.status == .ok && pending.body.string.contains(invited.codes[0]) && pending.body.string.contains("Código de activación"))
            #expect(pending.headers.first(name: .cacheControl) == "no-store")
            #expect(used.status == .gone && !used.body.string.contains(invited.codes[0]))
            #expect(unknown.status == .notFound && unknown.body.string.contains("Dieser Link ist ungültig"))
        }
    }

    @Test("the installations export is spreadsheet-safe and lists each machine with its invitation")
    func installationsExport() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 2, people: 2)
            _ = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-export-1", computerName: "=HYPERLINK(\"x\")")
            _ = try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-export-2", computerName: "Lab PC, room 2")
            // when
            var csv = ""
            try await InstallationList(status: nil).export(keyID: try invited.key.requireID()).write(from: app.db) { csv += $0 }
            // then
            let lines = csv.split(separator: "\r\n")
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("computer_name,operating_system,serial_number,mac_address,status"))
            #expect(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""))
            #expect(csv.contains("\"Lab PC, room 2\""))
            #expect(csv.contains("person0@example.com") && csv.contains("A4:83:E7:01:02:03"))
        }
    }
}

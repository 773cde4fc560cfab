@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

@Suite("SCIM in the console: the directory's source, the deprovisioning option, tokens shown once")
struct SCIMConsoleTests {
    @Test("choose SCIM with blocking, create a token (shown once, works), revoke it (refused from then on)")
    func sourceAndTokens() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let before = try await browser.get("/console/directory").body.string
            // when
            _ = try await browser.post("/console/directory/settings", form: ["provisioning": "scim", "block_members_on_deprovision": "yes"],
                                       csrfFrom: "/console/directory")
            _ = try await browser.post("/console/directory/scim-tokens", form: ["name": "entra"], csrfFrom: "/console/directory")
            let page = try await browser.get("/console/directory").body.string
            let again = try await browser.get("/console/directory").body.string
            let token = try #require(page.firstMatch(of: /id="new-scim-token">([^<]+)</)?.1).description
            let works = try await app.testing().sendRequest(.GET, "/scim/v2/Users", headers: ["Authorization": "Bearer \(token)"])
            let record = try #require(try await SCIMToken.query(on: app.db).first())
            _ = try await browser.post("/console/directory/scim-tokens/\(try record.requireID().uuidString)/revoke", form: ["confirm": "yes"],
                                       csrfFrom: "/console/directory")
            let refused = try await app.testing().sendRequest(.GET, "/scim/v2/Users", headers: ["Authorization": "Bearer \(token)"])
            // then
            #expect(before.contains("This directory is kept by hand and by CSV import."))
            #expect(page.contains("This directory is provisioned by SCIM from your identity provider."))
            #expect(page.contains("https://herald.test/scim/v2"))
            #expect(page.contains(#"name="block_members_on_deprovision" value="yes" checked"#))
            #expect(!again.contains("new-scim-token"))
            #expect(record.tokenHash != token)
            #expect(works.status == .ok && refused.status == .unauthorized)
            let settings = try await DirectorySettings.query(on: app.db).first()
            #expect(settings?.provisioning == .scim && settings?.blockMembersOnDeprovision == true)
            let actions = try await AuditEvent.query(on: app.db).all().map(\.action)
            #expect(actions.contains(.directorySettingsChanged) && actions.contains(.scimTokenCreated) && actions.contains(.scimTokenRevoked))
        }
    }

    @Test("while SCIM provisions, the console's CSV import is refused with the reason and imports nothing")
    func importRefused() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            _ = try await browser.post("/console/directory/settings", form: ["provisioning": "scim"], csrfFrom: "/console/directory")
            let response = try await browser.post("/console/directory/import", form: ["csv": "Ann,ann@example.com"], csrfFrom: "/console/directory")
            #expect(response.status == .conflict)
            #expect(response.body.string.contains("CSV import is off until the source is set back to CSV"))
            #expect(try await DirectoryUser.query(on: app.db).count() == 0)
        }
    }
}

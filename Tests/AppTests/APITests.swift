@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("JSON API and tokens")
struct APITests {
    @Test("a token created in the console works once shown, and stops when revoked")
    func tokenLifecycle() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            _ = try await browser.post("/console/api-tokens", form: ["name": "ci"], csrfFrom: "/console/api-tokens")
            let page = try await browser.get("/console/api-tokens").body.string
            let token = try #require(page.firstMatch(of: /id="new-token">([^<]+)</)?.1).description
            // when
            let members = try await app.testing().sendRequest(.GET, "/api/v1/members", headers: ["Authorization": "Bearer \(token)"])
            // then
            #expect(members.status == .ok)
            #expect(members.body.string.contains("admin@example.com"))
            #expect(try await browser.get("/console/api-tokens").body.string.contains("new-token") == false)
            let stored = try #require(try await APIToken.query(on: app.db).first())
            #expect(stored.tokenHash != token)
            // when revoked
            _ = try await browser.post("/console/api-tokens/\(try stored.requireID().uuidString)/revoke", form: ["confirm": "yes"], csrfFrom: "/console/api-tokens")
            let refused = try await app.testing().sendRequest(.GET, "/api/v1/members", headers: ["Authorization": "Bearer \(token)"])
            #expect(refused.status == .unauthorized)
            #expect(refused.body.string.contains("\"reason\""))
        }
    }

    @Test("missing and unknown tokens get a JSON 401 that says what is wrong")
    func unknownTokens() async throws {
        try await withHerald { app in
            let missing = try await app.testing().sendRequest(.GET, "/api/v1/organization")
            let unknown = try await app.testing().sendRequest(.GET, "/api/v1/organization", headers: ["Authorization": "Bearer hrld_nope"])
            #expect(missing.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(try unknown.content.get(String.self, at: "reason").contains("unknown or revoked"))
            #expect(unknown.headers.contentType == .json)
        }
    }

    @Test("API errors name the offending field")
    func errorsNameTheField() async throws {
        try await withHerald { app in
            let created = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let token = try await APITokenService.create(name: "ci", scope: .administration, organizationID: try created.organization.requireID(), accountID: try created.account.requireID(), actor: .commandLine, on: app.db).token
            let headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
            let missingName = try await app.testing().sendRequest(.POST, "/api/v1/api-tokens", headers: headers, body: ByteBuffer(string: "{}"))
            let blankName = try await app.testing().sendRequest(.POST, "/api/v1/api-tokens", headers: headers, body: ByteBuffer(string: #"{"name":"  "}"#))
            let badJSON = try await app.testing().sendRequest(.POST, "/api/v1/api-tokens", headers: headers, body: ByteBuffer(string: "{nope"))
            #expect(missingName.status == .badRequest)
            #expect(try missingName.content.get(String.self, at: "reason") == "name: is required")
            #expect(try blankName.content.get(String.self, at: "reason") == "name: is required")
            #expect(badJSON.status == .badRequest)
            let created201 = try await app.testing().sendRequest(.POST, "/api/v1/api-tokens", headers: headers, body: ByteBuffer(string: #"{"name":"deploy"}"#))
            #expect(created201.status == .created)
            #expect(try created201.content.get(String.self, at: "token").hasPrefix("hrld_"))
        }
    }

    @Test("healthz reports the database")
    func health() async throws {
        try await withHerald { app in
            let response = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(response.status == .ok)
            #expect(try response.content.get(String.self, at: "database") == "ok")
        }
    }
}

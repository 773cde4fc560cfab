@testable import App
import Fluent
import Foundation
import HeraldCore
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The API's counterpart of the console's re-authentication: sensitive changes need an `administration` token.
@Suite("API token scopes")
struct APITokenScopeTests {
    /// What the console guards with a recent password, and the mail and directory connection settings, over the API.
    static let sensitive: Set<String> = [
        "PUT /api/v1/mail-settings", "PUT /api/v1/bounce-settings",
        "POST /api/v1/dkim-keys", "POST /api/v1/dkim-keys/:id/activate", "POST /api/v1/dkim-keys/:id/retire",
        "POST /api/v1/api-tokens", "DELETE /api/v1/api-tokens/:id",
        "PUT /api/v1/sso",
        "POST /api/v1/webhooks/endpoints", "PATCH /api/v1/webhooks/endpoints/:id", "DELETE /api/v1/webhooks/endpoints/:id",
        "POST /api/v1/webhooks/endpoints/:id/rotate-secret",
        "POST /api/v1/members/:id/promote",
        "PUT /api/v1/directory/ldap",
    ]

    @Test("every API route refuses a standard token exactly when it makes a sensitive change, and lets an administration token through")
    func everyRoute() async throws {
        try await withHerald { app in
            // given: one token of each scope, for the same administrator
            let administrator = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let standard = try await Self.token(.standard, administrator, app)
            let administration = try await Self.token(.administration, administrator, app)
            let routes = app.routes.all.filter { $0.path.first?.description == "api" && $0.method != .HEAD }
                .map { (method: $0.method, path: "/" + $0.path.map(\.description).joined(separator: "/")) }
            let names = Set(routes.map { "\($0.method.rawValue) \($0.path)" })
            #expect(Self.sensitive.isSubset(of: names), "not routes: \(Self.sensitive.subtracting(names).sorted())")
            for route in routes {
                // A path with unknown ids: the answer is a refusal either way, only which one matters.
                let path = route.path.split(separator: "/").map { $0.hasPrefix(":") ? UUID().uuidString : String($0) }.joined(separator: "/")
                let name = "\(route.method.rawValue) \(route.path)"
                // when
                let asStandard = try await DirectoryImportJobTests.send(app, route.method, "/" + path, token: standard, body: "{}")
                let asAdministration = try await DirectoryImportJobTests.send(app, route.method, "/" + path, token: administration, body: "{}")
                // then
                let refusedForScope = asStandard.status == .forbidden && asStandard.body.string.contains("administration scope")
                #expect(refusedForScope == Self.sensitive.contains(name), "\(name) as standard: \(asStandard.status) \(asStandard.body.string.prefix(200))")
                #expect(!asAdministration.body.string.contains("administration scope"), "\(name) as administration: \(asAdministration.body.string.prefix(200))")
                #expect(asStandard.status.code < 500 && asAdministration.status.code < 500, "\(name): \(asStandard.status) / \(asAdministration.status)")
            }
        }
    }

    @Test("a refused change names the scope it needs and the token's, and changes nothing")
    func refusalSaysWhy() async throws {
        try await withHerald { app in
            let administrator = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let standard = try await Self.token(.standard, administrator, app, name: "crm")
            // when: the standard token tries to make a token that can do more
            let response = try await DirectoryImportJobTests.send(app, .POST, "/api/v1/api-tokens", token: standard,
                                                                  body: #"{"name":"escalate","scope":"administration"}"#)
            // then
            #expect(response.status == .forbidden)
            let reason = try response.content.get(String.self, at: "reason")
            #expect(reason.contains("needs an API token with the administration scope"), "\(reason)")
            #expect(reason.contains("the token 'crm' has the standard scope"), "\(reason)")
            #expect(try await APIToken.query(on: app.db).count() == 1)
            // and the everyday work goes on
            let members = try await DirectoryImportJobTests.send(app, .GET, "/api/v1/members", token: standard)
            #expect(members.status == .ok)
        }
    }

    @Test("the API makes standard tokens unless asked, refuses an unknown scope by name, and audits the scope")
    func creatingOverTheAPI() async throws {
        try await withHerald { app in
            let administrator = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let administration = try await Self.token(.administration, administrator, app)
            // when
            let plain = try await DirectoryImportJobTests.send(app, .POST, "/api/v1/api-tokens", token: administration, body: #"{"name":"crm"}"#)
            let full = try await DirectoryImportJobTests.send(app, .POST, "/api/v1/api-tokens", token: administration,
                                                              body: #"{"name":"terraform","scope":"administration"}"#)
            let unknown = try await DirectoryImportJobTests.send(app, .POST, "/api/v1/api-tokens", token: administration,
                                                                 body: #"{"name":"root","scope":"root"}"#)
            // then
            #expect(plain.status == .created)
            #expect(try plain.content.get(String.self, at: "scope") == "standard")
            #expect(full.status == .created)
            #expect(try full.content.get(String.self, at: "scope") == "administration")
            #expect(unknown.status == .badRequest)
            #expect(try unknown.content.get(String.self, at: "reason") == "scope: must be standard or administration")
            let listed = try await DirectoryImportJobTests.send(app, .GET, "/api/v1/api-tokens", token: administration)
            #expect(listed.body.string.contains(#""scope":"standard""#))
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == .apiTokenCreated)
                .filter(\.$targetLabel == "terraform").first()
            #expect(audited?.details == "scope administration")
        }
    }

    @Test("the console makes a standard token by default and an administration token when chosen, and lists the scope")
    func creatingInTheConsole() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            // when
            _ = try await browser.post("/console/api-tokens", form: ["name": "crm"], csrfFrom: "/console/api-tokens")
            _ = try await browser.post("/console/api-tokens", form: ["name": "terraform", "scope": "administration"], csrfFrom: "/console/api-tokens")
            let refused = try await browser.post("/console/api-tokens", form: ["name": "odd", "scope": "root"], csrfFrom: "/console/api-tokens")
            // then
            let tokens = try await APIToken.query(on: app.db).all()
            #expect(Dictionary(uniqueKeysWithValues: tokens.map { ($0.name, $0.scope) }) == ["crm": .standard, "terraform": .administration])
            #expect(refused.body.string.contains(#"id="scope-refusal">must be standard or administration"#))
            let page = try await browser.get("/console/api-tokens").body.string
            #expect(page.contains("<td>terraform</td><td>administration</td>"))
            #expect(page.contains("<td>crm</td><td>standard</td>"))
        }
    }

    @Test("tokens made before scopes existed keep doing everything they did")
    func earlierTokens() async throws {
        try await withHerald { app in
            // given: a row written without a scope, as every token was before the migration
            let administrator = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let secret = "hrld_" + TokenGenerator.newToken()
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.insert(into: APIToken.schema)
                .columns("id", "organization_id", "account_id", "name", "token_hash", "created_at")
                .values(SQLBind(UUID()), SQLBind(try administrator.organization.requireID()), SQLBind(try administrator.account.requireID()),
                        SQLBind("legacy"), SQLBind(TokenGenerator.hash(secret)), SQLBind(Date()))
                .run()
            // when
            let change = try await DirectoryImportJobTests.send(app, .POST, "/api/v1/api-tokens", token: secret, body: #"{"name":"next"}"#)
            // then
            #expect(try await APIToken.query(on: app.db).filter(\.$name == "legacy").first()?.scope == .administration)
            #expect(change.status == .created, "\(change.body.string)")
        }
    }

    static func token(_ scope: APITokenScope, _ administrator: AdministratorRequest.Created, _ app: Application, name: String? = nil) async throws -> String {
        try await APITokenService.create(name: name ?? scope.rawValue, scope: scope, organizationID: try administrator.organization.requireID(),
                                         accountID: try administrator.account.requireID(), actor: .commandLine, on: app.db).token
    }
}

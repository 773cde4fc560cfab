@testable import App
import Fluent
import Foundation
import MIME
import Testing
import Vapor
import VaporTesting

/// Every console page the router knows (read from the app's routes, not listed by hand), with hostile values in
/// every query parameter any handler reads: each answer is below 500 and names no server path, and the process is
/// still serving afterwards. A trap on an overflowing number ends this test process, which is how it fails.
@Suite("console query fuzzing")
struct ConsoleQueryFuzzTests {
    /// Every query parameter a Herald handler reads, and a few a future one may.
    static let parameterNames = ["page", "limit", "cursor", "from", "to", "action", "actor", "role", "q", "status", "kind", "user", "template", "language", "lang", "batch",
                                 "days", "after", "offset", "seats", "port"]

    static let hostileValues = [
        "184467440737095517", "9223372036854775807", "99999999999999999999999999", "-1", "0", "-9223372036854775808",
        "abc", "1e9", "0x10", "%207", "+7", "%00", "7%00", "%ZZ", "%F0%9F%92%A5", "%E5%B1%B1%C3%BC", "%0D%0ABcc:%20x",
        String(repeating: "9", count: 10_240),
    ]

    @Test("hostile query values on every console GET answer below 500, without server paths, and the server keeps serving")
    func everyConsolePageSurvivesHostileQueries() async throws {
        try await withHerald { app in
            // given: an administrator whose pages have something to show
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let parameters = try await Self.realParameters(app)
            let pages = app.routes.all.filter { $0.method == .GET && $0.path.first?.description == "console" }
            #expect(pages.count >= 15, "the router lists the console pages: \(pages.map(\.description))")

            // when
            var failures: [String] = []
            for route in pages {
                let path = "/" + route.path.map { component -> String in
                    guard case .parameter(let name) = component else { return component.description }
                    return parameters[name] ?? UUID().uuidString
                }.joined(separator: "/")
                // Every parameter at once per value: a handler reads two at most, so one refusal hides little,
                // and a route costs 18 requests instead of 270.
                let queries = Self.hostileValues.map { value in Self.parameterNames.map { "\($0)=\(value)" }.joined(separator: "&") }
                    + [Self.parameterNames.map { "\($0)=1&\($0)=2" }.joined(separator: "&")]
                for query in queries {
                    let response = try await browser.get(path + "?" + query)
                    if response.status.code >= 500 || Self.leaksAServerPath(response.body.string, app: app) {
                        failures.append("\(path)?\(query.prefix(80)): \(response.status.code) \(response.body.string.prefix(200))")
                    }
                }
            }

            // then
            #expect(failures.isEmpty, "\(failures.count) failures, first: \(failures.prefix(5))")
            let alive = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(alive.status == .ok)
            let dashboard = try await browser.get("/console")
            #expect(dashboard.status == .ok, "the session still works")
        }
    }

    @Test("the retired audit page number is refused naming the parameter; a limit out of range too; cursor pages work")
    func auditPageIsRangeChecked() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()

            // when
            let huge = try await browser.get("/console/audit?page=184467440737095517")
            let limit = try await browser.get("/console/audit?limit=184467440737095517")
            let first = try await browser.get("/console/audit?limit=1")
            let second = try await browser.get(try #require(KeysetListTests.link("next", in: first.body.string)))

            // then
            #expect(huge.status == .badRequest)
            #expect(huge.body.string.contains("page: lists are paged with cursor and limit"), "\(huge.body.string.prefix(500))")
            #expect(limit.body.string.contains("limit: must be a whole number from 1 to 1000"), "\(limit.body.string.prefix(500))")
            #expect(second.status == .ok)
        }
    }

    /// Real ids for the routes' parameters, so that the hostile queries reach the handlers behind them.
    static func realParameters(_ app: Application) async throws -> [String: String] {
        let organization = try #require(try await Organization.query(on: app.db).first())
        let organizationID = try organization.requireID()
        let staff = try await DirectoryFixtures.staff(app, organizationID: organizationID)
        let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: 5)
        let batch = try await InstallInvitationBatch.send(.init(
            keyID: try key.requireID(), recipients: [try EmailAddress("ivy@example.com")], language: .en,
            expiresAt: Date().addingTimeInterval(86_400), inviterID: nil, actor: .commandLine
        ), mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets,
           turns: app.herald.installInvitationTurns, on: app.db)
        return ["id": try staff.all.requireID().uuidString, "keyID": try key.requireID().uuidString,
                "batchID": batch.batchID.uuidString, "step": ClientWizardStep.connection.rawValue]
    }

    static func leaksAServerPath(_ body: String, app: Application) -> Bool {
        body.contains(app.directory.workingDirectory) || body.contains(app.directory.publicDirectory)
    }
}

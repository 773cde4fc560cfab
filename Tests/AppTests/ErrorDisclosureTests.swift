@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// What an error response may say: Herald's own reasons, never the text of a database, file or template error.
@Suite("error disclosure")
struct ErrorDisclosureTests {
    struct DatabaseLikeError: Error, CustomStringConvertible {
        var description: String { #"near "SELEC": syntax error in SELECT * FROM accounts WHERE path = '/srv/herald/var/herald.sqlite'"# }
    }

    struct TemplateLikeError: AbortError {
        var status: HTTPResponseStatus { .internalServerError }
        var reason: String { "No template found for /srv/herald/Resources/Views/missing.leaf" }
    }

    @Test("an unexpected error, or a library's 5xx, answers a generic reason on pages and in the API, in any environment",
          arguments: ["/boom/page", "/api/boom", "/boom/template", "/api/boom-template"])
    func internalTextNeverReachesTheResponse(path: String) async throws {
        try await withHerald { app in
            // given: routes that fail the way a database or Leaf does (the tests run in the testing environment)
            app.get("boom", "page") { _ -> String in throw DatabaseLikeError() }
            app.get("api", "boom") { _ -> String in throw DatabaseLikeError() }
            app.get("boom", "template") { _ -> String in throw TemplateLikeError() }
            app.get("api", "boom-template") { _ -> String in throw TemplateLikeError() }

            // when
            let response = try await app.testing().sendRequest(.GET, path)

            // then
            #expect(response.status == .internalServerError)
            #expect(response.body.string.contains(HeraldErrorMiddleware.unexpectedReason), "\(response.body.string.prefix(500))")
            for secret in ["SELECT", "/srv/herald", "sqlite", ".leaf"] {
                #expect(!response.body.string.contains(secret), "\(secret) in \(response.body.string.prefix(500))")
            }
        }
    }

    @Test("Herald's own reasons, also for 5xx, still reach the person who asked")
    func ownReasonsAreShown() async throws {
        try await withHerald { app in
            // given
            app.get("api", "unavailable") { _ -> String in throw Abort(.serviceUnavailable, reason: "the mail server is busy") }

            // when
            let response = try await app.testing().sendRequest(.GET, "/api/unavailable")

            // then
            #expect(response.status == .serviceUnavailable)
            #expect(response.body.string.contains("the mail server is busy"))
        }
    }

    @Test("herald runs as production unless --env, -e or VAPOR_ENV names an environment",
          arguments: [
              (["herald", "serve"], [:], "production"),
              (["herald"], [:], "production"),
              (["herald", "serve", "--env", "development"], [:], "development"),
              (["herald", "serve", "-e", "testing"], [:], "testing"),
              (["herald", "serve"], ["VAPOR_ENV": "development"], "development"),
          ] as [([String], [String: String], String)])
    func productionByDefault(arguments: [String], variables: [String: String], expected: String) throws {
        // given
        var input = CommandInput(arguments: arguments)
        let detected = try Environment.detect(from: &input)

        // when
        let chosen = HeraldMain.productionUnlessChosen(detected, arguments: arguments, variables: variables)

        // then
        #expect(chosen.name == expected)
        #expect(chosen.commandInput.arguments == detected.commandInput.arguments, "the command and its options are kept")
    }
}

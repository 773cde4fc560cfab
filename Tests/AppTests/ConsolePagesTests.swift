@testable import App
import Testing
import VaporTesting

@Suite("Console pages")
struct ConsolePagesTests {
    @Test("every console page renders for an administrator", arguments: ConsoleSection.allCases)
    func everyPageRenders(section: ConsoleSection) async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let page = try await browser.get(section.path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("<h1>\(section.label)</h1>"))
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
        }
    }

    @Test("console pages send anonymous visitors to sign in, and unknown pages get the HTML error page")
    func anonymousAndUnknown() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            let console = try await browser.get("/console/members")
            #expect(console.status == .seeOther)
            #expect(console.headers.first(name: .location) == "/signin")
            let missing = try await browser.get("/console/nope")
            #expect(missing.status == .notFound)
            #expect(missing.body.string.contains("data-error-page=\"404\""))
        }
    }

    @Test("the audit log lists what happened, with actor, action and target")
    func auditLogShowsEvents() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            _ = try await browser.post("/console/api-tokens", form: ["name": "deploy"], csrfFrom: "/console/api-tokens")
            let page = try await browser.get("/console/audit").body.string
            #expect(page.contains("organization.created"))
            #expect(page.contains("api_token.created"))
            #expect(page.contains("admin@example.com"))
            #expect(page.contains("api_token deploy"))
        }
    }
}

extension ConsoleSection: CustomTestStringConvertible {
    public var testDescription: String { label }
}

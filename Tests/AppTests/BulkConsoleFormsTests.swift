@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Bulk work through the console, over a real socket: there a long body arrives after the request head, as from a
/// browser, and the CSRF check used to read it before it had arrived (every form over about 2 KB was refused as
/// "the form has expired"). Tests/BrowserTests/bulk_forms.py does the same at full size in Chromium.
@Suite("bulk console forms")
struct BulkConsoleFormsTests {
    @Test("1,000 pasted addresses reach the join invitation form and are all invited")
    func pastedAddresses() async throws {
        try await withHerald { app in
            var browser = try await Self.signedIn(app)
            let organizationID = try #require(try await Organization.query(on: app.db).first()).requireID()
            try await DirectoryFixtures.mailReady(app, organizationID: organizationID)
            let emails = (1...1_000).map { "person\($0)@example.com" }.joined(separator: "\n")
            let response = try await browser.post("/console/invitations/join", form: ["emails": emails, "language": "en", "role": "member",
                                                                                     "expires_in_days": "7"], csrfFrom: "/console/invitations")
            #expect(response.status == .ok, "\(response.status): \(response.body.string.prefix(300))")
            #expect(try await Invitation.query(on: app.db).count() == 1_000)
        }
    }

    @Test("a 2,000-row CSV uploaded to the directory import is imported whole")
    func uploadedDirectoryCSV() async throws {
        try await withHerald { app in
            var browser = try await Self.signedIn(app)
            let csv = "name,email,groups\n" + (1...2_000).map { "Person \($0),person\($0)@example.com,Staff" }.joined(separator: "\n")
            let response = try await browser.upload("/console/directory/import", file: "file", named: "people.csv", contents: csv,
                                                    csrfFrom: "/console/directory")
            #expect(response.status == .ok, "\(response.status): \(response.body.string.prefix(300))")
            let job = try #require(response.body.string.firstMatch(of: /data-job="([0-9A-F-]+)"/)?.1, "the import's progress page")
            try await app.herald.directoryImports.allFinished()
            #expect(try await browser.get("/console/directory/import/\(job)").body.string.contains("2000 added"))
            #expect(try await DirectoryUser.query(on: app.db).count() == 2_000)
            #expect(try await DirectoryGroupMember.query(on: app.db).count() == 2_000)
        }
    }

    @Test("a body over the 10 MB limit is 413 naming the limit, not 403")
    func oversizedForm() async throws {
        try await withHerald { app in
            var browser = try await Self.signedIn(app)
            let huge = String(repeating: "x", count: 11 * 1_048_576)
            let response = try await browser.upload("/console/directory/import", file: "file", named: "huge.csv", contents: huge,
                                                    csrfFrom: "/console/directory")
            #expect(response.status == .payloadTooLarge)
            #expect(response.body.string.contains("10 MB"), "\(response.body.string.prefix(500))")
            #expect(try await DirectoryUser.query(on: app.db).count() == 0)
        }
    }

    @Test("a wrong CSRF token is still refused once the body has been collected")
    func forgedTokenAfterCollection() async throws {
        try await withHerald { app in
            var browser = try await Self.signedIn(app)
            let response = try await browser.post("/console/directory/users", form: ["name": "Ada", "email": "ada@example.com"],
                                                  csrfFrom: "/console/directory", csrf: .some("forged"))
            #expect(response.status == .forbidden, "a wrong token is still refused once the body is collected")
        }
    }

    /// Signed in through the in-memory tester (the live client follows redirects, which the sign-in's cookie does
    /// not survive), then sending over a socket; a form that redirects is seen as the page it leads to.
    static func signedIn(_ app: Application) async throws -> BrowserSession {
        var browser = BrowserSession(app)
        try await browser.signInAsNewAdministrator()
        browser.method = .running(port: try HeraldProcess.freePort())
        return browser
    }
}

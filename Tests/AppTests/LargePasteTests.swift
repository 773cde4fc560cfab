@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// An administrator pastes 10,000 rows into each console form that takes pasted rows: each is answered with its page
/// (never an error page or a bare 413), and every row is taken.
@Suite("pasting 10,000 rows in the console")
struct LargePasteTests {
    static let rows = 10_000
    static let addresses = (1...rows).map { "person\($0)@example.com" }

    @Test("join invitations: 10,000 pasted addresses become 10,000 invitations and their results page")
    func joinInvitations() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            // when
            let response = try await browser.post("/console/invitations/join", form: ["emails": Self.addresses.joined(separator: "\n")],
                                                  csrfFrom: "/console/invitations")
            // then
            #expect(response.status == .ok, "\(response.body.string.prefix(300))")
            #expect(response.body.string.contains("person10000@example.com"))
            #expect(try await Invitation.query(on: app.db).filter(\.$kind == .join).count() == Self.rows)
        }
    }

    @Test("install invitations: 10,000 pasted addresses are reviewed, then sent")
    func installInvitations() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let organization = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
            let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: Self.rows)
            let keyPath = "/console/licenses/\(try key.requireID())/invite"
            let recipients = Self.addresses.joined(separator: "\n")
            // when
            let review = try await browser.post("\(keyPath)/review", form: ["recipients": recipients, "expires_in": "7", "language": "en"],
                                                csrfFrom: keyPath)
            let sent = try await browser.post(keyPath, form: ["recipients": recipients, "expires_in": "7", "language": "en"], csrfFrom: keyPath)
            // then
            #expect(review.status == .ok, "\(review.body.string.prefix(300))")
            #expect(review.body.string.contains("10,000") || review.body.string.contains("10000"))
            #expect(sent.status.code < 400, "\(sent.status) \(sent.body.string.prefix(300))")
            #expect(try await Invitation.query(on: app.db).filter(\.$kind == .install).count() == Self.rows)
        }
    }

    @Test("directory: 10,000 pasted CSV rows are imported in the background, with a progress page")
    func directoryImport() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let csv = (1...Self.rows).map { "Person \($0),person\($0)@example.com,Engineering" }.joined(separator: "\n")
            // when
            let response = try await browser.post("/console/directory/import", form: ["csv": csv], csrfFrom: "/console/directory")
            // then
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location)?.hasPrefix("/console/directory/import/") == true)
            let imported = try await WriterTurnsTests.within(.seconds(240)) {
                while try await DirectoryUser.query(on: app.db).count() < Self.rows { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(imported != nil, "the 10,000 people were not all imported within 240 s")
        }
    }

    @Test("suppressions: 10,000 pasted addresses are suppressed")
    func suppressions() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            // when
            let response = try await browser.post("/console/suppressions/import", form: ["csv": Self.addresses.joined(separator: "\n")],
                                                  csrfFrom: "/console/suppressions")
            // then
            #expect(response.status == .seeOther)
            #expect(try await SuppressedAddress.query(on: app.db).count() == Self.rows)
        }
    }
}

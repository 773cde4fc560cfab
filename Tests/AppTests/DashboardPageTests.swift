@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("Dashboard page, stats API and opened links")
struct DashboardPageTests {
    @Test("the dashboard shows the funnel, seats and delivery figures from the database, with well-formed SVG")
    func page() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let organizationID = try #require(try await Organization.query(on: app.db).first()?.id)
            try await DashboardFixture.seedInvitations(app, organizationID: organizationID)
            try await DashboardFixture.seedLicenseKeys(app, organizationID: organizationID)
            let stats = try await DashboardStats.load(organizationID: organizationID, on: app.db)
            // when
            let response = try await browser.get("/console")
            let html = response.body.string
            // then
            #expect(response.status == .ok)
            for row in stats.invitations {
                #expect(html.contains(#"data-kind="\#(row.kind)" data-stage="invited">\#(row.invited)<"#))
                #expect(html.contains(#"data-kind="\#(row.kind)" data-stage="failed">\#(row.failed)<"#))
                #expect(html.contains(#"data-kind="\#(row.kind)" data-stage="accepted">\#(row.accepted)<"#))
            }
            #expect(html.contains(#"data-key="Office" data-level="full" class="attention""#))
            #expect(html.contains("All seats used; 1 invited without a free seat"))
            let svgs = html.matches(of: /<svg[\s\S]*?<\/svg>/).map { String($0.output) }
            #expect(svgs.count == 3 + 1 + DashboardFixture.keys.count)
            for svg in svgs { #expect(Self.isWellFormed(svg), "\(svg.prefix(120))") }
            // Messages are queued (the fixture's waiting invitations), so the page reloads itself (the Refresh
            // header, no meta refresh: axe-core reports those) and offers to stop.
            #expect(response.headers.first(name: "Refresh") == "5")
            #expect(!html.contains("http-equiv"))
            #expect(html.contains(#"<a href="/console?refresh=off">Stop reloading</a>"#))
            let stopped = try await browser.get("/console?refresh=off")
            #expect(stopped.headers.first(name: "Refresh") == nil)
            #expect(stopped.body.string.contains(#"Automatic reloading is off. <a href="/console">Reload automatically</a>"#))
        }
    }

    @Test("the dashboard stays put when nothing is being sent")
    func noRefresh() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            // when
            let response = try await browser.get("/console")
            let html = response.body.string
            // then
            #expect(response.headers.first(name: "Refresh") == nil)
            #expect(!html.contains("auto-refresh"))
            #expect(html.contains("No license keys yet."))
        }
    }

    @Test("/api/v1/stats returns the dashboard's figures for the token's organization")
    func statsAPI() async throws {
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "a@example.com", password: "Correct-Horse-42", organization: "Ours")
            let organizationID = try admin.organization.requireID()
            try await DashboardFixture.seedInvitations(app, organizationID: organizationID)
            try await DashboardFixture.seedLicenseKeys(app, organizationID: organizationID)
            let token = try await APITokenService.create(name: "monitoring", scope: .administration, organizationID: organizationID, accountID: try admin.account.requireID(), actor: .commandLine, on: app.db).token
            // when
            let response = try await app.testing().sendRequest(.GET, "/api/v1/stats", headers: ["Authorization": "Bearer \(token)"])
            let unauthenticated = try await app.testing().sendRequest(.GET, "/api/v1/stats")
            // then
            #expect(response.status == .ok)
            #expect(unauthenticated.status == .unauthorized)
            let stats = try response.content.decode(DashboardStats.self)
            #expect(stats.organizationID == organizationID)
            #expect(stats.invitations.first { $0.kind == .client }?.invited == DashboardFixture.expectedFunnel(.client).invited)
            #expect(stats.invitationsPerDay.count == 30)
            #expect(stats.licenseKeys.map(\.name) == ["CAD Pro", "Design Suite", "Office", "Viewer"])
            #expect(stats.delivery.queued == 6 && stats.delivery.deferred == 6)
        }
    }

    @Test("opening a join link records the first open only, and does not change the invitation")
    func openedOnce() async throws {
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "a@example.com", password: "Correct-Horse-42", organization: "Ours")
            let token = TokenGenerator.newToken()
            let invitation = Invitation()
            invitation.$organization.id = try admin.organization.requireID()
            invitation.kind = .join; invitation.email = "new@example.com"; invitation.language = "en"; invitation.status = .pending
            invitation.tokenHash = TokenGenerator.hash(token); invitation.expiresAt = Date().addingTimeInterval(86_400)
            try await invitation.create(on: app.db)
            let updatedBefore = try await Invitation.find(invitation.id, on: app.db)?.updatedAt
            // when
            let first = try await app.testing().sendRequest(.GET, "/join/\(token)")
            let openedAt = try #require(try await Invitation.find(invitation.id, on: app.db)?.openedAt)
            let second = try await app.testing().sendRequest(.GET, "/join/\(token)")
            let after = try #require(try await Invitation.find(invitation.id, on: app.db))
            // then
            #expect(first.status == .ok && second.status == .ok)
            #expect(after.openedAt == openedAt)
            #expect(after.status == .pending && after.updatedAt == updatedBefore)
            #expect(try await InvitationFunnel.rows(organizationID: try admin.organization.requireID(), on: app.db).first?.opened == 1)
        }
    }

    @Test("a Regular Member's home shows none of the organization's figures, and /metrics none of its data")
    func memberHome() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let organizationID = try #require(try await Organization.query(on: app.db).first()?.id)
            try await DashboardFixture.seedLicenseKeys(app, organizationID: organizationID)
            _ = try await admin.post("/console/invitations/join", form: ["emails": "nia@example.com"], csrfFrom: "/console/invitations")
            let path = try await OutboxReader.joinPath(app, to: "nia@example.com")
            var member = BrowserSession(app)
            _ = try await member.post(path, form: ["mode": "create", "name": "Nia", "password": "Sturdy-Pass-77", "password_confirmation": "Sturdy-Pass-77"], csrfFrom: path)
            // when
            let home = try await member.get("/console")
            let metrics = try await app.testing().sendRequest(.GET, "/metrics").body.string
            // then
            #expect(home.status == .ok)
            #expect(home.body.string.contains("You are a Regular Member"))
            #expect(!home.body.string.contains("funnel-table") && !home.body.string.contains("Design Suite"))
            #expect(!metrics.contains("Design Suite") && !metrics.contains("nia@example.com"))
        }
    }

    static func isWellFormed(_ xml: String) -> Bool {
        XMLParser(data: Data(xml.utf8)).parse()
    }
}

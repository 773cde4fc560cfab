@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// Remote-access client invitations: states that mean something, and download links that are Herald's own or the
/// administrator's, never a vendor's site.
@Suite("Client invitation states and download links")
struct ClientInvitationStatesTests {
    /// An administrator with an API token (organization "Acme", mail to files) and the invitations sent to Ann, Bob, Cat.
    private func sent(_ app: Application) async throws -> (HTTPHeaders, Organization) {
        let headers = try await HeaderBoundTextTests.apiHeaders(app)
        let organization = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
        let organizationID = try organization.requireID()
        try await DirectoryFixtures.mailReady(app, organizationID: organizationID)
        let staff = try await DirectoryFixtures.staff(app, organizationID: organizationID)
        let request = ClientInvitationRequest(connection: .init(deviceTypes: ["windows", "macos"], server: "gw.example.com"),
                                              userIDs: [try staff.users["Cat"]!.requireID()], groupIDs: [try staff.all.requireID()], language: .en)
        let plan = try await ClientInvitationPlanner.plan(request, organization: organization, catalog: app.herald.catalog,
                                                          publicURL: app.herald.configuration.publicURL, on: app.db)
        _ = try await ClientInvitations(mailer: app.herald.mailer).send(plan, inviter: nil, actor: .system, on: app.db)
        return (headers, organization)
    }

    private func apiStates(_ app: Application, _ headers: HTTPHeaders) async throws -> [String: String] {
        let response = try await app.testing().sendRequest(.GET, "/api/v1/invitations?kind=client", headers: headers)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["email"] as? String ?? "", $0["status"] as? String ?? "") })
    }

    @Test("queued, delivered to the mail server, failed, revoked: in the API and the console list, never pending")
    func states() async throws {
        try await withHerald { app in
            // given
            let (headers, _) = try await sent(app)
            let queued = try await apiStates(app, headers)
            // when: the worker delivers them; Bob's receiving server later refused it for good; Cat's is withdrawn
            _ = try await app.herald.deliveryWorker.deliverUntilEmpty()
            let bob = try #require(try await OutboxMessage.query(on: app.db).filter(\.$recipients == "bob@example.com").first())
            bob.status = .failed
            bob.lastError = "550 5.1.1 no such user"
            try await bob.save(on: app.db)
            let cat = try #require(try await Invitation.query(on: app.db).filter(\.$email == "cat@example.com").first())
            let revoked = try await app.testing().sendRequest(.POST, "/api/v1/invitations/\(try cat.requireID().uuidString)/revoke", headers: headers)
            let after = try await apiStates(app, headers)
            var admin = BrowserSession(app)
            _ = try await admin.post("/signin", form: ["email": "admin@example.com", "password": "Correct-Horse-42"])
            let list = try await admin.get("/console/client-invitations").body.string
            let everything = try await admin.get("/console/invitations?kind=client").body.string
            // then
            #expect(queued == ["ann@example.com": "queued", "bob@example.com": "queued", "cat@example.com": "queued"])
            #expect(revoked.status == .noContent)
            #expect(after == ["ann@example.com": "sent", "bob@example.com": "failed", "cat@example.com": "revoked"])
            #expect(list.contains("Delivered to the mail server"))
            #expect(list.contains("Failed: 550 5.1.1 no such user"))
            #expect(list.contains("Revoked"))
            #expect(!list.contains("pending") && !everything.contains("class=\"status\">pending<"))
            #expect(everything.contains("class=\"status\">sent<"))
        }
    }

    @Test("without download links the email carries Herald's own page per platform, which forwards once a link is set")
    func downloadLinks() async throws {
        try await withHerald { app in
            // given
            let (_, organization) = try await sent(app)
            let organizationID = try organization.requireID()
            let windows = ClientDownloadPage.url(organizationID: organizationID, device: .windows, base: app.herald.configuration.publicURL)
            let path = try #require(URL(string: windows)).path
            let message = try #require(try await OutboxMessage.query(on: app.db).first())
            let raw = String(decoding: OutboxReader.raw(message), as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
            var admin = BrowserSession(app)
            _ = try await admin.post("/signin", form: ["email": "admin@example.com", "password": "Correct-Horse-42"])
            let listBefore = try await admin.get("/console/client-invitations").body.string
            // when
            let german = try await app.testing().sendRequest(.GET, path, headers: ["Accept-Language": "de"])
            let saved = try await admin.post("/console/client-invitations/settings", form: [
                "url_scheme": "tuxclient", "download_windows": "https://downloads.example.com/client.msi",
            ], csrfFrom: "/console/client-invitations/settings")
            let forwarded = try await app.testing().sendRequest(.GET, path)
            let unknown = try await app.testing().sendRequest(.GET, "/client-downloads/\(organizationID.uuidString)/amiga")
            // then
            #expect(raw.contains(path), "the email links Herald's page")
            #expect(!raw.lowercased().contains("parallels.com"))
            #expect(listBefore.contains("missing-downloads"))
            #expect(german.status == .ok)
            #expect(german.body.string.contains("hat noch keinen Download des Remote-Access-Clients für Windows hinterlegt"))
            #expect(saved.status == .seeOther)
            #expect(forwarded.status == .seeOther)
            #expect(forwarded.headers.first(name: .location) == "https://downloads.example.com/client.msi")
            #expect(unknown.status == .notFound)
        }
    }
}

@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// Every list an organization can grow without bound is served a page at a time, in the console and the API:
/// invitations, members and a key's installations (directory users and groups: `DirectoryScaleTests`; the audit
/// log: `AuditTests`).
@Suite("list paging")
struct ListPagingTests {
    @Test("150 invitations, 150 members and 150 installations: console pages of 100 with cursor links, API pages with Link: rel=next")
    func listsArePaged() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let organization = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
            let organizationID = try organization.requireID()
            try await Self.seed(app, organizationID: organizationID, count: 150)
            let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: 1_000)
            let keyID = try key.requireID()
            try await Self.installations(app, keyID: keyID, count: 150)
            let admin = try #require(try await Membership.query(on: app.db).filter(\.$organization.$id == organizationID)
                .filter(\.$role == .administrator).first())
            let token = try await APITokenService.create(name: "paging", scope: .administration, organizationID: organizationID, accountID: admin.$account.id,
                                                         actor: .system, on: app.db).token
            // when
            let invitations = try await Self.twoPages(&browser, "/console/invitations")
            let members = try await Self.twoPages(&browser, "/console/members")
            let installed = try await Self.twoPages(&browser, "/console/licenses/\(keyID)")
            let hostile = try await browser.get("/console/members?page=99999999999999999999")
            let apiInvitations = try await Self.api(app, token, "/api/v1/invitations?kind=join&limit=100")
            let apiMembers = try await Self.api(app, token, "/api/v1/members?limit=100")
            let apiInstallations = try await Self.api(app, token, "/api/v1/license-keys/\(keyID)/installations?limit=100")
            // then
            #expect(Self.count(#"data-email="invited"#, in: invitations.0) == 100)
            #expect(Self.count(#"data-email="invited"#, in: invitations.1) == 50)
            #expect(Self.count(#"<tr data-email="#, in: members.0) == 100)
            #expect(Self.count(#"<tr data-email="#, in: members.1) == 51, "150 members and the administrator")
            #expect(Self.count("data-computer=", in: installed.0) == 100)
            #expect(Self.count("data-computer=", in: installed.1) == 50)
            #expect(hostile.status == .badRequest, "offset paging is retired")
            for (label, first) in [("invitations", apiInvitations), ("members", apiMembers), ("installations", apiInstallations)] {
                #expect(first.count == 100, "\(label)")
                #expect(first.next?.contains("cursor=") == true, "\(label): \(first.next ?? "no Link")")
                let second = try await Self.api(app, token, String(try #require(first.next)))
                #expect(second.count == (label == "members" ? 51 : 50), "\(label)")
                #expect(second.next == nil, "\(label)")
            }
            #expect(apiInvitations.next?.contains("kind=join") == true, "the next page keeps the filter")
        }
    }

    /// A console list's first page and the page its "next" link leads to.
    static func twoPages(_ browser: inout BrowserSession, _ path: String) async throws -> (TestingHTTPResponse, TestingHTTPResponse) {
        let first = try await browser.get(path)
        let next = try #require(KeysetListTests.link("next", in: first.body.string), "\(path): no next link")
        return (first, try await browser.get(next))
    }

    static func count(_ needle: String, in response: TestingHTTPResponse) -> Int {
        response.body.string.components(separatedBy: needle).count - 1
    }

    /// The JSON array's length and the path of the `Link: rel="next"` page, if any.
    static func api(_ app: Application, _ token: String, _ path: String) async throws -> (count: Int, next: String?) {
        let response = try await app.testing().sendRequest(.GET, path, headers: ["Authorization": "Bearer \(token)"])
        try #require(response.status == .ok, "\(path): \(response.status) \(response.body.string.prefix(300))")
        let rows = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [Any]
        let next = response.headers.first(name: .link)?.firstMatch(of: /<([^>]+)>; rel="next"/).map { String($0.1) }
        return (rows?.count ?? -1, next)
    }

    static func seed(_ app: Application, organizationID: UUID, count: Int) async throws {
        var invitations: [Invitation] = []
        var accounts: [Account] = []
        var memberships: [Membership] = []
        for n in 1...count {
            let invitation = Invitation()
            invitation.$organization.id = organizationID
            invitation.kind = .join
            invitation.email = "invited\(n)@example.com"
            invitation.language = "en"
            invitation.status = .pending
            invitation.expiresAt = Date().addingTimeInterval(86_400)
            invitations.append(invitation)
            let account = Account(id: UUID(), email: "member\(n)@example.com", name: "Member \(n)", passwordHash: "unused")
            accounts.append(account)
            memberships.append(Membership(organizationID: organizationID, accountID: try account.requireID(), role: .member))
        }
        try await invitations.create(on: app.db)
        try await accounts.create(on: app.db)
        try await memberships.create(on: app.db)
    }

    static func installations(_ app: Application, keyID: UUID, count: Int) async throws {
        try await (1...count).map { n in
            let installation = Installation()
            installation.$licenseKey.id = keyID
            installation.fingerprint = "fingerprint-\(n)"
            installation.computerName = "PC-\(n)"
            installation.operatingSystem = "Linux"
            installation.status = .active
            installation.certificateSerial = "serial-\(n)"
            installation.activatedAt = Date().addingTimeInterval(TimeInterval(-n))
            return installation
        }.create(on: app.db)
    }
}

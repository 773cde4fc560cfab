@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// Join and install invitations addressed to directory groups: nested groups expanded to their enabled, not-removed
/// people, each address once (typed addresses first), the usual per-address rules, and unknown groups refused.
@Suite("directory group invitations")
struct DirectoryGroupInvitationTests {
    /// `DirectoryFixtures.staff` (All staff = Ann, Bob, Engineering; Engineering = Bob, Cat, Dan disabled) plus Eve in
    /// Engineering, removed by the source, and an API token.
    struct Staffed {
        let tenant: ConcurrentWritesTests.Tenant
        let staff: DirectoryFixtures.Staff
    }

    static func staffed(_ app: Application, _ name: String = "Acme") async throws -> Staffed {
        let tenant = try await ConcurrentWritesTests.tenant(app, name)
        let staff = try await DirectoryFixtures.staff(app, organizationID: tenant.organizationID)
        let eve = try await DirectoryStore.createUser(name: "Eve", email: "eve@example.com", enabled: true,
                                                      organizationID: tenant.organizationID, actor: .system, on: app.db)
        try await DirectoryStore.addUser(eve, to: staff.engineering, actor: .system, on: app.db)
        eve.removedAt = Date()
        try await eve.save(on: app.db)
        return Staffed(tenant: tenant, staff: staff)
    }

    static func post(_ app: Application, _ path: String, token: String, _ body: String) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, path, headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                            body: ByteBuffer(string: body))
    }

    static func joinResults(_ response: TestingHTTPResponse) throws -> [JoinInvitations.RowResult] {
        struct Body: Decodable { let results: [JoinInvitations.RowResult] }
        return try JSONDecoder().decode(Body.self, from: Data(buffer: response.body)).results
    }

    static func pendingEmails(_ app: Application, _ organizationID: UUID, kind: InvitationKind) async throws -> [String] {
        try await Invitation.query(on: app.db).filter(\.$organization.$id == organizationID).filter(\.$kind == kind)
            .all().map { $0.email.lowercased() }.sorted()
    }

    @Test("API join: a group by name reaches nested members once, typed addresses first, disabled and removed people skipped")
    func apiJoinGroup() async throws {
        try await withHerald { app in
            // given
            let acme = try await Self.staffed(app)
            // when
            let response = try await Self.post(app, "/api/v1/invitations/join", token: acme.tenant.token,
                                               #"{"emails":["bob@example.com","zed@example.com"],"groups":["All staff"]}"#)
            // then
            #expect(response.status == .created, "\(response.body.string)")
            let results = try Self.joinResults(response)
            #expect(results.map(\.email) == ["bob@example.com", "zed@example.com", "ann@example.com", "cat@example.com"])
            #expect(results.map(\.group) == [nil, nil, "All staff", "All staff"])
            #expect(results.map(\.line) == [1, 2, nil, nil])
            #expect(results.allSatisfy { $0.outcome == .invited })
            #expect(try await Self.pendingEmails(app, acme.tenant.organizationID, kind: .join)
                    == ["ann@example.com", "bob@example.com", "cat@example.com", "zed@example.com"])
        }
    }

    @Test("API join: the group again by id reports everyone already invited; an unknown group is 400 naming groups[index]; an empty group is 400")
    func apiJoinAgainAndUnknown() async throws {
        try await withHerald { app in
            // given
            let acme = try await Self.staffed(app)
            let engineering = try acme.staff.engineering.requireID().uuidString
            _ = try await Self.post(app, "/api/v1/invitations/join", token: acme.tenant.token, #"{"groups":["\#(engineering)"]}"#)
            // when
            let again = try await Self.post(app, "/api/v1/invitations/join", token: acme.tenant.token, #"{"groups":["engineering"]}"#)
            let unknown = try await Self.post(app, "/api/v1/invitations/join", token: acme.tenant.token,
                                              #"{"emails":["zed@example.com"],"groups":["Engineering","Nobody"]}"#)
            let nobody = try await DirectoryStore.createGroup(name: "Nobody", organizationID: acme.tenant.organizationID, actor: .system, on: app.db)
            let empty = try await Self.post(app, "/api/v1/invitations/join", token: acme.tenant.token, #"{"groups":["\#(try nobody.requireID())"]}"#)
            // then
            #expect(empty.status == .badRequest)
            #expect(empty.body.string.contains("groups: the chosen groups reach nobody enabled"), "\(empty.body.string)")
            #expect(try Self.joinResults(again).map(\.outcome) == [.alreadyInvited, .alreadyInvited], "\(again.body.string)")
            #expect(unknown.status == .badRequest)
            #expect(unknown.body.string.contains("groups[1]: no such group"), "\(unknown.body.string)")
            #expect(try await Self.pendingEmails(app, acme.tenant.organizationID, kind: .join) == ["bob@example.com", "cat@example.com"])
        }
    }

    @Test("API install: groups beside emails, each address once with the group that reached it; unknown group 400; another organization's group unknown")
    func apiInstallGroup() async throws {
        try await withHerald { app in
            // given
            let acme = try await Self.staffed(app)
            let globex = try await Self.staffed(app, "Globex")
            let organization = try #require(try await Organization.find(acme.tenant.organizationID, on: app.db))
            let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: 10)
            let path = "/api/v1/license-keys/\(try key.requireID())/invitations"
            let foreignGroup = try globex.staff.all.requireID().uuidString
            // when
            let sent = try await Self.post(app, path, token: acme.tenant.token, #"{"emails":["cat@example.com"],"groups":["Engineering"]}"#)
            let unknown = try await Self.post(app, path, token: acme.tenant.token, #"{"groups":["\#(foreignGroup)"]}"#)
            // then
            #expect(sent.status == .created, "\(sent.body.string)")
            let body = try JSONSerialization.jsonObject(with: Data(buffer: sent.body)) as? [String: Any]
            #expect(body?["count"] as? Int == 2)
            let invitations = body?["invitations"] as? [[String: Any]] ?? []
            let groups = Dictionary(uniqueKeysWithValues: invitations.map { ($0["email"] as? String ?? "", $0["group"] as? String ?? "typed") })
            #expect(groups == ["cat@example.com": "typed", "bob@example.com": "Engineering"])
            #expect(unknown.status == .badRequest)
            #expect(unknown.body.string.contains("groups[0]"))
            #expect(try await Self.pendingEmails(app, acme.tenant.organizationID, kind: .install) == ["bob@example.com", "cat@example.com"])
        }
    }

    @Test("console: the join form's group picker invites the group and the results name it; the install review lists the group's people")
    func consoleForms() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let organization = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
            let organizationID = try organization.requireID()
            try await DirectoryFixtures.mailReady(app, organizationID: organizationID)
            let staff = try await DirectoryFixtures.staff(app, organizationID: organizationID)
            let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: 1)
            let keyPath = "/console/licenses/\(try key.requireID())/invite"
            // when
            let page = try await browser.get("/console/invitations")
            let invited = try await browser.post("/console/invitations/join", form: ["groups[]": try staff.engineering.requireID().uuidString],
                                                 csrfFrom: "/console/invitations")
            let form = try await browser.get(keyPath)
            let review = try await browser.post("\(keyPath)/review", form: ["groups[]": try staff.all.requireID().uuidString, "expires_in": "7"],
                                                csrfFrom: keyPath)
            let unknown = try await browser.post("\(keyPath)/review", form: ["groups[]": UUID().uuidString], csrfFrom: keyPath)
            // then
            #expect(page.body.string.contains(#"<select name="groups[]" multiple"#))
            #expect(form.body.string.contains("All staff"))
            #expect(invited.status == .ok)
            #expect(invited.body.string.contains("cat@example.com") && invited.body.string.contains("(group Engineering)"))
            #expect(try await Self.pendingEmails(app, organizationID, kind: .join) == ["bob@example.com", "cat@example.com"])
            #expect(review.status == .ok, "\(review.body.string.prefix(500))")
            #expect(review.body.string.contains("ann@example.com (group All staff)"))
            #expect(review.body.string.contains("cat@example.com"))
            #expect(!review.body.string.contains("dan@example.com"))
            #expect(unknown.status == .badRequest)
            #expect(unknown.body.string.contains("no such group"))
        }
    }
}

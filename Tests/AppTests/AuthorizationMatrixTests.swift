@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Walks who may do what: anonymous, a Regular Member, a license administrator of key A acting on key B,
/// an administrator of another organization, and a blocked member, against console pages and API endpoints.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    struct World {
        var acmeAdmin: BrowserSession
        var member: BrowserSession
        var licenseAdmin: BrowserSession
        var otherAdmin: BrowserSession
        var blocked: BrowserSession
        let niaID: UUID
        let keyA: LicenseKey
        let keyB: LicenseKey
        let otherToken: String
        let acmeToken: String
        let acmeOrganizationID: UUID
    }

    static func world(_ app: Application) async throws -> World {
        var acmeAdmin = BrowserSession(app)
        try await acmeAdmin.signInAsNewAdministrator()
        let acme = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
        var sessions: [String: BrowserSession] = [:]
        for name in ["nia", "lia", "bea"] {
            _ = try await acmeAdmin.post("/console/invitations/join", form: ["emails": "\(name)@example.com"], csrfFrom: "/console/invitations")
            let path = try await OutboxReader.joinPath(app, to: "\(name)@example.com")
            var session = BrowserSession(app)
            _ = try await session.post(path, form: ["mode": "create", "name": name, "password": "Sturdy-Pass-77", "password_confirmation": "Sturdy-Pass-77"], csrfFrom: path)
            sessions[name] = session
        }
        func membership(_ email: String) async throws -> Membership {
            try #require(try await Membership.query(on: app.db).join(Account.self, on: \Membership.$account.$id == \Account.$id)
                .filter(Account.self, \.$email == email).first())
        }
        let keyA = LicenseKey(), keyB = LicenseKey()
        for (key, name) in [(keyA, "A"), (keyB, "B")] {
            key.$organization.id = try acme.requireID()
            key.name = name; key.product = "Product"; key.seats = 5; key.secretCiphertext = try app.herald.secretBox.seal("SECRET-\(name)")
            try await key.create(on: app.db)
        }
        let lia = try await membership("lia@example.com")
        _ = try await acmeAdmin.post("/console/members/\(try lia.requireID().uuidString)/license-keys", form: ["license_keys[]": try keyA.requireID().uuidString], csrfFrom: "/console/members")
        let bea = try await membership("bea@example.com")
        _ = try await acmeAdmin.post("/console/members/\(try bea.requireID().uuidString)/block", form: ["confirm": "yes"], csrfFrom: "/console/members")
        var otherAdmin = BrowserSession(app)
        try await otherAdmin.signInAsNewAdministrator(email: "olga@example.com", organization: "Globex")
        let globex = try #require(try await Organization.query(on: app.db).filter(\.$name == "Globex").first())
        let olga = try #require(try await Account.find(email: "olga@example.com", on: app.db))
        let ada = try #require(try await Account.find(email: "admin@example.com", on: app.db))
        let otherToken = try await APITokenService.create(name: "globex", scope: .administration, organizationID: try globex.requireID(), accountID: try olga.requireID(), actor: .system, on: app.db).token
        let acmeToken = try await APITokenService.create(name: "acme", scope: .administration, organizationID: try acme.requireID(), accountID: try ada.requireID(), actor: .system, on: app.db).token
        return World(acmeAdmin: acmeAdmin, member: sessions["nia"]!, licenseAdmin: sessions["lia"]!, otherAdmin: otherAdmin, blocked: sessions["bea"]!,
                     niaID: try await membership("nia@example.com").requireID(), keyA: keyA, keyB: keyB, otherToken: otherToken, acmeToken: acmeToken,
                     acmeOrganizationID: try acme.requireID())
    }

    static let adminPages = ["/console/members", "/console/invitations", "/console/mail", "/console/audit", "/console/api-tokens", "/console/directory", "/console/client-invitations"]

    @Test("console pages: only Acme's administrator gets in; everyone else is turned away")
    func consolePages() async throws {
        try await withHerald { app in
            var world = try await Self.world(app)
            var anonymous = BrowserSession(app)
            for page in Self.adminPages {
                #expect(try await world.acmeAdmin.get(page).status == .ok, "admin \(page)")
                #expect(try await anonymous.get(page).status == .seeOther, "anonymous \(page)")
                #expect(try await world.member.get(page).status == .forbidden, "member \(page)")
                #expect(try await world.licenseAdmin.get(page).status == .forbidden, "license admin \(page)")
                #expect(try await world.blocked.get(page).status == .forbidden, "blocked \(page)")
                // Globex's administrator sees Globex's page, never Acme's members.
                #expect(try await world.otherAdmin.get(page).body.string.contains("nia@example.com") == false, "other admin \(page)")
            }
        }
    }

    @Test("console actions on an Acme member: refused for all but Acme's administrator, nothing changes")
    func consoleActions() async throws {
        try await withHerald { app in
            var world = try await Self.world(app)
            let target = "/console/members/\(world.niaID.uuidString)/promote"
            #expect(try await world.member.post(target, form: [:], csrfFrom: "/console").status == .forbidden)
            #expect(try await world.licenseAdmin.post(target, form: [:], csrfFrom: "/console").status == .forbidden)
            #expect(try await world.otherAdmin.post(target, form: [:], csrfFrom: "/console").status == .notFound)
            var anonymous = BrowserSession(app)
            #expect(try await anonymous.post(target, form: [:], csrfFrom: "/signin").status == .seeOther)
            #expect(try await Membership.find(world.niaID, on: app.db)?.role == .member)
            #expect(try await world.acmeAdmin.post(target, form: [:], csrfFrom: "/console").status == .seeOther)
            #expect(try await Membership.find(world.niaID, on: app.db)?.role == .administrator)
        }
    }

    @Test("license administrator of key A may act on A, not on B; a plain member on neither")
    func licenseKeyScope() async throws {
        try await withHerald { app in
            let world = try await Self.world(app)
            func context(_ email: String) async throws -> ConsoleContext {
                let membership = try #require(try await Membership.query(on: app.db).join(Account.self, on: \Membership.$account.$id == \Account.$id)
                    .filter(Account.self, \.$email == email).with(\.$account).with(\.$organization).first())
                return ConsoleContext(account: membership.account, membership: membership, organization: membership.organization, organizations: [membership.organization])
            }
            let lia = try await context("lia@example.com"), nia = try await context("nia@example.com"), ada = try await context("admin@example.com")
            #expect(try await LicenseAccess.key(world.keyA.id, context: lia, on: app.db).name == "A")
            await #expect(throws: Abort.self) { try await LicenseAccess.key(world.keyB.id, context: lia, on: app.db) }
            await #expect(throws: Abort.self) { try await LicenseAccess.key(world.keyA.id, context: nia, on: app.db) }
            await #expect(throws: Abort.self) { try await LicenseAccess.requireSomeAccess(nia, on: app.db) }
            #expect(try await LicenseAccess.key(world.keyB.id, context: ada, on: app.db).name == "B")
        }
    }

    @Test("API: no token 401, another organization's token cannot touch Acme, a blocked owner's token stops working")
    func api() async throws {
        try await withHerald { app in
            let world = try await Self.world(app)
            let promote = "/api/v1/members/\(world.niaID.uuidString)/promote"
            #expect(try await app.testing().sendRequest(.POST, promote).status == .unauthorized)
            let foreign = try await app.testing().sendRequest(.POST, promote, headers: ["Authorization": "Bearer \(world.otherToken)"])
            #expect(foreign.status == .notFound)
            #expect(try await Membership.find(world.niaID, on: app.db)?.role == .member)
            let members = try await app.testing().sendRequest(.GET, "/api/v1/members", headers: ["Authorization": "Bearer \(world.otherToken)"])
            #expect(!members.body.string.contains("nia@example.com"))
            // Ada promotes Nia, then demotes herself: losing the role revokes her API tokens, so the token is no longer valid (401).
            #expect(try await app.testing().sendRequest(.POST, promote, headers: ["Authorization": "Bearer \(world.acmeToken)"]).status == .ok)
            let ada = try #require(try await Membership.query(on: app.db).filter(\.$organization.$id == world.acmeOrganizationID)
                .join(Account.self, on: \Membership.$account.$id == \Account.$id).filter(Account.self, \.$email == "admin@example.com").first())
            #expect(try await app.testing().sendRequest(.POST, "/api/v1/members/\(try ada.requireID().uuidString)/demote", headers: ["Authorization": "Bearer \(world.acmeToken)"]).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/members", headers: ["Authorization": "Bearer \(world.acmeToken)"]).status == .unauthorized)
        }
    }
}

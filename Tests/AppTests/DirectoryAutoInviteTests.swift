@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// Auto-invite of new members of a synced group: opt-in per group and kind, once per person, after SCIM group
/// changes and after an LDAP sync; the members present when the rule was turned on are not invited.
@Suite("directory auto-invite")
struct DirectoryAutoInviteTests {
    static func patchMembers(_ scim: SCIMFixture, group: String, _ op: String, _ user: String) async throws {
        _ = try await scim.json(.PATCH, "/scim/v2/Groups/\(group)", """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"\(op)","path":"members","value":[{"value":"\(user)"}]}]}
            """)
    }

    static func createGroup(_ scim: SCIMFixture, _ name: String, members: [String] = []) async throws -> String {
        let list = members.map { #"{"value":"\#($0)"}"# }.joined(separator: ",")
        return try #require(try await scim.json(.POST, "/scim/v2/Groups", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"\(name)","members":[\(list)]}
            """, expect: .created).id)
    }

    static func invitations(_ app: Application, _ organizationID: UUID) async throws -> [String] {
        try await Invitation.query(on: app.db).filter(\.$organization.$id == organizationID).all()
            .map { "\($0.kind.rawValue) \($0.email.lowercased())" }.sorted()
    }

    @Test("SCIM: a member added by PATCH gets one join and one install invitation; current members, other groups, disabled people and a rejoin get none")
    func scimPatch() async throws {
        try await withHerald { app in
            // given
            let scim = try await SCIMFixture.make(app)
            try await DirectoryFixtures.mailReady(app, organizationID: scim.organizationID)
            let organization = try #require(try await Organization.find(scim.organizationID, on: app.db))
            let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: 5)
            let ann = try #require(try await scim.createUser("ann@acme.test").id)
            let bob = try #require(try await scim.createUser("bob@acme.test").id)
            let cat = try #require(try await scim.createUser("cat@acme.test", active: false).id)
            let dan = try #require(try await scim.createUser("dan@acme.test").id)
            let engineering = try await Self.createGroup(scim, "Engineering", members: [ann])
            let other = try await Self.createGroup(scim, "Other")
            let group = try #require(try await DirectoryGroup.find(UUID(uuidString: engineering), on: app.db))
            try await DirectoryAutoInviteRules.save(.init(join: true, install_license_key_id: try key.requireID()), group: group,
                                                    actor: .commandLine, on: app.db)
            // when
            try await Self.patchMembers(scim, group: engineering, "add", bob)
            try await Self.patchMembers(scim, group: engineering, "add", cat)
            try await Self.patchMembers(scim, group: other, "add", dan)
            let afterFirst = try await Self.invitations(app, scim.organizationID)
            try await Self.patchMembers(scim, group: engineering, "remove", bob)
            try await Self.patchMembers(scim, group: engineering, "add", bob)
            let afterRejoin = try await Self.invitations(app, scim.organizationID)
            // then
            #expect(afterFirst == ["install bob@acme.test", "join bob@acme.test"])
            #expect(afterRejoin == afterFirst)
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == .joinInvitationSent).all()
            #expect(audit.map(\.actorLabel) == ["SCIM token 'idp'"])
            let installAudit = try await AuditEvent.query(on: app.db).filter(\.$action == .licenseInvitationsSent).all()
            #expect(installAudit.map(\.actorLabel) == ["SCIM token 'idp'"])
        }
    }

    @Test("SCIM: a person added to a nested group is invited through the outer group's rule; with the rule off nobody is")
    func scimNested() async throws {
        try await withHerald { app in
            // given
            let scim = try await SCIMFixture.make(app)
            try await DirectoryFixtures.mailReady(app, organizationID: scim.organizationID)
            let ann = try #require(try await scim.createUser("ann@acme.test").id)
            let bob = try #require(try await scim.createUser("bob@acme.test").id)
            let child = try await Self.createGroup(scim, "Child")
            let parent = try await Self.createGroup(scim, "Parent", members: [child])
            let group = try #require(try await DirectoryGroup.find(UUID(uuidString: parent), on: app.db))
            // when
            try await Self.patchMembers(scim, group: child, "add", ann)
            let ruleOff = try await Self.invitations(app, scim.organizationID)
            try await DirectoryAutoInviteRules.save(.init(join: true), group: group, actor: .commandLine, on: app.db)
            try await Self.patchMembers(scim, group: child, "add", bob)
            // then
            #expect(ruleOff.isEmpty)
            #expect(try await Self.invitations(app, scim.organizationID) == ["join bob@acme.test"])
        }
    }

    @Test("API reads and sets a group's rules; a key of another organization is 400 naming the field; the console form saves them")
    func settingsAPIAndConsole() async throws {
        try await withHerald { app in
            // given
            let acme = try await DirectoryGroupInvitationTests.staffed(app)
            let organization = try #require(try await Organization.find(acme.tenant.organizationID, on: app.db))
            let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: 5)
            let (_, foreign) = try await LicenseFixtures.key(app, seats: 5)
            let path = "/api/v1/directory/groups/\(try acme.staff.engineering.requireID())/auto-invite"
            let headers: HTTPHeaders = ["Authorization": "Bearer \(acme.tenant.token)", "Content-Type": "application/json"]
            // when
            let initial = try await app.testing().sendRequest(.GET, path, headers: headers)
            let saved = try await app.testing().sendRequest(.PUT, path, headers: headers,
                                                            body: ByteBuffer(string: #"{"join":true,"install_license_key_id":"\#(try key.requireID())"}"#))
            let refused = try await app.testing().sendRequest(.PUT, path, headers: headers,
                                                              body: ByteBuffer(string: #"{"join":false,"install_license_key_id":"\#(try foreign.requireID())"}"#))
            let read = try await app.testing().sendRequest(.GET, path, headers: headers)
            // then
            #expect(initial.body.string == #"{"join":false}"#)
            #expect(saved.status == .ok, "\(saved.body.string)")
            #expect(refused.status == .badRequest)
            #expect(refused.body.string.contains("install_license_key_id:"))
            let settings = try JSONDecoder().decode(DirectoryAutoInviteRules.Settings.self, from: Data(buffer: read.body))
            #expect(settings == .init(join: true, install_license_key_id: try key.requireID()))
            // Turning the rules on marked the current members (Bob, Cat, Dan disabled, Eve removed) as handled, once per kind.
            #expect(try await DirectoryAutoInvitation.query(on: app.db).count() == 8)
            #expect(try await Self.invitations(app, acme.tenant.organizationID).isEmpty)
        }
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let organizationID = try #require(try await Organization.query(on: app.db).first()?.requireID())
            let staff = try await DirectoryFixtures.staff(app, organizationID: organizationID)
            let page = "/console/directory/groups/\(try staff.all.requireID())"
            let shown = try await browser.get(page)
            let saved = try await browser.post("\(page)/auto-invite", form: ["join": "on", "install_license_key_id": ""], csrfFrom: page)
            let bad = try await browser.post("\(page)/auto-invite", form: ["install_license_key_id": "not-a-key"], csrfFrom: page)
            #expect(shown.body.string.contains("does not invite the current members"))
            #expect(saved.status == .seeOther)
            #expect(bad.status == .badRequest)
            #expect(try await DirectoryAutoInviteRules.settings(of: try staff.all.requireID(), on: app.db) == .init(join: true))
        }
    }

    @Test("LDAP: with no rule a sync invites nobody; after turning one on, a person added in the directory is invited by the next sync, once")
    func ldapSync() async throws {
        try await withHerald { app in
            // given
            let fixture = try await LDAPSyncFixture.make(app)
            try await DirectoryFixtures.mailReady(app, organizationID: fixture.organizationID)
            let unit = try fixture.makeUnit(people: 3)
            try await fixture.configure(fixture.input(users: unit, groups: unit))
            _ = try await fixture.sync()
            let ruleOff = try await Self.invitations(app, fixture.organizationID)
            let group = try #require(try await DirectoryGroup.query(on: app.db).filter(\.$organization.$id == fixture.organizationID).first())
            try await DirectoryAutoInviteRules.save(.init(join: true), group: group, actor: .commandLine, on: app.db)
            let domain = unit.dropFirst(3).prefix(9)
            try fixture.administer("ldapadd", """
                dn: uid=p9,\(unit)
                objectClass: inetOrgPerson
                uid: p9
                cn: Person 9
                sn: 9
                mail: p9@\(domain).test

                """)
            try fixture.administer("ldapmodify", """
                dn: cn=everyone,\(unit)
                changetype: modify
                add: member
                member: uid=p9,\(unit)

                """)
            // when
            let second = try await fixture.sync()
            let afterSecond = try await Self.invitations(app, fixture.organizationID)
            _ = try await fixture.sync()
            // then
            #expect(second.status == .succeeded, "\(LDAPDirectorySync.summary(second))")
            #expect(ruleOff.isEmpty)
            #expect(afterSecond == ["join p9@\(domain).test"])
            #expect(try await Self.invitations(app, fixture.organizationID) == afterSecond)
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == .joinInvitationSent).all()
            #expect(audit.map(\.actorLabel) == ["LDAP sync"])
        }
    }
}

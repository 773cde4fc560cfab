@testable import App
import Fluent
import Foundation
import HeraldCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("SCIM: deprovisioning revokes invitations and blocks members when chosen; hand edits are refused")
struct SCIMDeprovisioningTests {
    /// A member account with this email, and a pending join invitation to it.
    static func memberWithInvitation(_ scim: SCIMFixture, email: String) async throws -> (membership: Membership, invitation: UUID) {
        let account = Account(email: email, name: "Nia", passwordHash: "unused")
        try await account.create(on: scim.app.db)
        let membership = Membership(organizationID: scim.organizationID, accountID: try account.requireID(), role: .member)
        try await membership.create(on: scim.app.db)
        let invitation = try await StoredStringsTests.invitation(try scim.app.db.sql, organizationID: scim.organizationID, email: email,
                                                                 kind: "join", status: "pending", role: "member")
        return (membership, invitation)
    }

    @Test("active false: the pending invitation is revoked, the membership blocked (opted in), each audited with the reason")
    func disableBlocks() async throws {
        try await withHerald { app in
            // given
            let scim = try await SCIMFixture.make(app, blockMembers: true)
            let (membership, invitation) = try await Self.memberWithInvitation(scim, email: "nia@example.com")
            let id = try #require(try await scim.createUser("nia@example.com").id)
            // when
            _ = try await scim.json(.PATCH, "/scim/v2/Users/\(id)", #"{"Operations":[{"op":"Replace","path":"active","value":"False"}]}"#)
            // then
            #expect(try await Invitation.find(invitation, on: app.db)?.status == .revoked)
            #expect(try await Membership.find(membership.id, on: app.db)?.status == .blocked)
            let events = try await AuditEvent.query(on: app.db).filter(\.$organization.$id == scim.organizationID).all()
            let summary = try #require(events.first { $0.action == .directoryUserDeprovisioned })
            #expect(summary.details == "disabled in the directory by SCIM; 1 pending invitation(s) revoked; membership blocked")
            #expect(summary.actorLabel == "SCIM token 'idp'")
            #expect(events.contains { $0.action == .joinInvitationRevoked && $0.targetLabel == "nia@example.com" })
            #expect(events.contains { $0.action == .memberBlocked && $0.details?.contains("disabled in the directory by SCIM") == true })
        }
    }

    @Test("DELETE without the option: invitations revoked, membership kept")
    func removeWithoutBlocking() async throws {
        try await withHerald { app in
            // given
            let scim = try await SCIMFixture.make(app)
            let (membership, invitation) = try await Self.memberWithInvitation(scim, email: "nia@example.com")
            let id = try #require(try await scim.createUser("nia@example.com").id)
            // when
            #expect(try await scim.send(.DELETE, "/scim/v2/Users/\(id)").status == .noContent)
            // then
            #expect(try await Invitation.find(invitation, on: app.db)?.status == .revoked)
            #expect(try await Membership.find(membership.id, on: app.db)?.status == .active)
            let summary = try await AuditEvent.query(on: app.db).filter(\.$action == .directoryUserDeprovisioned).first()
            #expect(summary?.details == "removed in the directory by SCIM; 1 pending invitation(s) revoked")
        }
    }

    @Test("while SCIM provisions: console and API edits of its users and groups, and CSV imports, are 409 with the reason")
    func handEditsRefused() async throws {
        try await withHerald { app in
            // given
            let scim = try await SCIMFixture.make(app)
            let id = try #require(try await scim.createUser("ann@example.com").id)
            let groupID = try #require(try await scim.json(.POST, "/scim/v2/Groups", #"{"displayName":"Staff"}"#, expect: .created).id)
            let user = try await scim.user(id)
            let group = try #require(try await DirectoryGroup.find(UUID(uuidString: groupID), on: app.db))
            let manual = try await DirectoryStore.createUser(name: "Bob", email: "bob@example.com", enabled: true,
                                                            organizationID: scim.organizationID, actor: .commandLine, on: app.db)
            // when / then
            for change in [
                { try await DirectoryStore.updateUser(user, name: "X", enabled: false, actor: .commandLine, on: app.db) },
                { try await DirectoryStore.deleteUser(user, actor: .commandLine, on: app.db) },
                { try await DirectoryStore.addUser(manual, to: group, actor: .commandLine, on: app.db) },
                { try await DirectoryStore.deleteGroup(group, actor: .commandLine, on: app.db) },
                { _ = try await DirectoryImport.run(Data("Cat,cat@example.com\n".utf8), organizationID: scim.organizationID, actor: .commandLine, on: app.db) },
            ] as [() async throws -> Void] {
                let error = await #expect(throws: Abort.self) { try await change() }
                #expect(error?.status == .conflict)
                #expect(error?.reason.contains("SCIM") == true)
            }
            // a person added by hand stays editable by hand
            try await DirectoryStore.updateUser(manual, name: "Bobby", enabled: nil, actor: .commandLine, on: app.db)
        }
    }

    @Test("switching to SCIM: a POST with the email of a person added by hand takes that person over")
    func adoptsHandMadeUsers() async throws {
        try await withHerald { app in
            let scim = try await SCIMFixture.make(app)
            let manual = try await DirectoryStore.createUser(name: "Bob", email: "bob@example.com", enabled: true,
                                                            organizationID: scim.organizationID, actor: .commandLine, on: app.db)
            let adopted = try await scim.createUser("bob@example.com")
            #expect(adopted.id == manual.id?.uuidString)
            #expect(try await scim.user(adopted.id).source == .scim)
        }
    }
}

@testable import App
import Fluent
import Foundation
import MIME
import Testing
import VaporTesting

@Suite("Destructive console actions: a confirmation step first; one click alone changes nothing")
struct ConfirmationTests {
    /// Acme with what every destructive action acts on: Nia (a Regular Member, signed in), a pending invitation to
    /// Eve, a license key with one activated computer, an API token, and a directory user in a group.
    struct World {
        var admin: BrowserSession
        var nia: BrowserSession
        let niaID: UUID
        let eveInvitationID: UUID
        let keyID: UUID
        let installationID: UUID
        let tokenID: UUID
        let doraID: UUID
        let groupID: UUID

        static func make(_ app: Application) async throws -> World {
            let acmeWithNia = try await MembersTests.acmeWithMember(app)
            var admin = acmeWithNia.admin
            _ = try await admin.post("/console/invitations/join", form: ["emails": "eve@example.com"], csrfFrom: "/console/invitations")
            let eve = try #require(try await Invitation.query(on: app.db).filter(\.$email == "eve@example.com").first())
            let acme = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
            let acmeID = try acme.requireID()
            let (_, key) = try await LicenseFixtures.key(app, organization: acme, seats: 2)
            let batch = try await InstallInvitationBatch.send(.init(
                keyID: try key.requireID(), recipients: [try EmailAddress("pat@example.com")], language: .en,
                expiresAt: Date().addingTimeInterval(86_400), inviterID: nil, actor: .commandLine
            ), mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets, turns: app.herald.installInvitationTurns, on: app.db)
            let code = try #require(try await InstallInvitationExport.rows(batchID: batch.batchID, organizationID: acmeID, limit: 2,
                                                                           secrets: app.herald.installInvitationSecrets, on: app.db).first).activationCode
            let activated = try await LicenseFixtures.activate(app, code: code, fingerprint: "fp-pat-laptop-01", computerName: "PAT-LAPTOP")
            try #require(activated.status == .created, "\(activated.body.string)")
            let installation = try #require(try await Installation.query(on: app.db).first())
            let ada = try #require(try await Account.find(email: "admin@example.com", on: app.db))
            let token = try await APITokenService.create(name: "ci", scope: .administration, organizationID: acmeID, accountID: try ada.requireID(), actor: .system, on: app.db)
            let dora = try await DirectoryStore.createUser(name: "Dora", email: "dora@example.com", enabled: true, organizationID: acmeID, actor: .system, on: app.db)
            let group = try await DirectoryStore.createGroup(name: "Ops", organizationID: acmeID, actor: .system, on: app.db)
            try await DirectoryStore.addUser(dora, to: group, actor: .system, on: app.db)
            return World(admin: admin, nia: acmeWithNia.member, niaID: try acmeWithNia.nia.requireID(), eveInvitationID: try eve.requireID(),
                         keyID: try key.requireID(), installationID: try installation.requireID(), tokenID: try token.record.requireID(),
                         doraID: try dora.requireID(), groupID: try group.requireID())
        }
    }

    /// Every destructive action of the console.
    enum Action: String, CaseIterable, Sendable {
        case demoteMember, blockMember, removeMember, leave, revokeInvitation, deactivateInstallation, blockComputer,
             revokeAPIToken, removeDirectoryUser, deleteGroup, removeGroupMember

        func path(_ world: World) -> String {
            switch self {
            case .demoteMember: "/console/members/\(world.niaID)/demote"
            case .blockMember: "/console/members/\(world.niaID)/block"
            case .removeMember: "/console/members/\(world.niaID)/remove"
            case .leave: "/console/leave"
            case .revokeInvitation: "/console/invitations/\(world.eveInvitationID)/revoke"
            case .deactivateInstallation: "/console/licenses/\(world.keyID)/installations/\(world.installationID)/deactivate"
            case .blockComputer: "/console/licenses/\(world.keyID)/installations/\(world.installationID)/block"
            case .revokeAPIToken: "/console/api-tokens/\(world.tokenID)/revoke"
            case .removeDirectoryUser: "/console/directory/users/\(world.doraID)/delete"
            case .deleteGroup: "/console/directory/groups/\(world.groupID)/delete"
            case .removeGroupMember: "/console/directory/groups/\(world.groupID)/members/remove"
            }
        }

        /// The action's own form fields (what the page's form or link sends besides the confirmation).
        func form(_ world: World) -> [String: String] {
            switch self {
            case .demoteMember: ["note": "moved to sales"]
            case .removeGroupMember: ["user_id": world.doraID.uuidString]
            default: [:]
            }
        }

        /// Who or what the step must name.
        var names: String {
            switch self {
            case .demoteMember, .blockMember, .removeMember: "nia@example.com"
            case .leave: "Leave Acme?"
            case .revokeInvitation: "eve@example.com"
            case .deactivateInstallation, .blockComputer: "PAT-LAPTOP"
            case .revokeAPIToken: "&#39;ci&#39;"
            case .removeDirectoryUser: "dora@example.com"
            case .deleteGroup: "Ops"
            case .removeGroupMember: "Dora &lt;dora@example.com&gt;"
            }
        }

        /// What the step must say follows (an email, a freed seat...).
        var consequence: String {
            switch self {
            case .demoteMember: "can no longer administer Acme"
            case .blockMember, .removeMember: "is told by email at nia@example.com"
            case .leave: "signed out"
            case .revokeInvitation: "stops working at once"
            case .deactivateInstallation, .blockComputer: "seat on"
            case .revokeAPIToken: "refused from now on"
            case .removeDirectoryUser: "They leave the group Ops"
            case .deleteGroup: "1 direct membership"
            case .removeGroupMember: "no longer reach"
            }
        }

        /// The state the action changes, and the mail it sends, as one comparable line.
        func state(_ app: Application, _ world: World) async throws -> String {
            let mails = try await OutboxReader.messages(app, to: "nia@example.com").count
            switch self {
            case .demoteMember, .blockMember, .removeMember, .leave:
                let nia = try #require(try await Membership.find(world.niaID, on: app.db))
                return "\(nia.role) \(nia.status) mails:\(mails)"
            case .revokeInvitation:
                return "\(try #require(try await Invitation.find(world.eveInvitationID, on: app.db)).status)"
            case .deactivateInstallation, .blockComputer:
                let installation = try #require(try await Installation.find(world.installationID, on: app.db))
                return "\(installation.status) blocked:\(try await BlockedComputer.query(on: app.db).count())"
            case .revokeAPIToken:
                return "revoked:\(try #require(try await APIToken.find(world.tokenID, on: app.db)).revokedAt != nil)"
            case .removeDirectoryUser:
                return "users:\(try await DirectoryUser.query(on: app.db).count())"
            case .deleteGroup:
                return "groups:\(try await DirectoryGroup.query(on: app.db).count())"
            case .removeGroupMember:
                return "edges:\(try await DirectoryGroupMember.query(on: app.db).count())"
            }
        }
    }

    static func setUp(_ app: Application, for action: Action) async throws -> World {
        let world = try await World.make(app)
        if action == .demoteMember {
            let nia = try #require(try await Membership.find(world.niaID, on: app.db))
            nia.role = .administrator
            try await nia.save(on: app.db)
        }
        return world
    }

    @Test("the action's link shows a step naming who or what is affected and what follows", arguments: Action.allCases)
    func stepNamesTargetAndConsequences(_ action: Action) async throws {
        try await withHerald { app in
            // given
            var world = try await Self.setUp(app, for: action)
            let before = try await action.state(app, world)
            let query = action.form(world).map { "\($0.key)=\(BrowserSession.escape($0.value))" }.joined(separator: "&")
            // when
            let step = action == .leave
                ? try await world.nia.get(action.path(world))
                : try await world.admin.get(action.path(world) + (query.isEmpty ? "" : "?" + query))
            // then
            let html = step.body.string
            #expect(step.status == .ok)
            #expect(html.contains(action.names), "\(action): \(html)")
            #expect(html.contains(action.consequence), "\(action)")
            #expect(html.contains(#"name="confirm" value="yes""#))
            #expect(html.contains(#"action="\#(action.path(world))""#))
            #expect(try await action.state(app, world) == before)
        }
    }

    @Test("one click alone (the POST without the confirmation) changes nothing and answers with the step", arguments: Action.allCases)
    func oneClickChangesNothing(_ action: Action) async throws {
        try await withHerald { app in
            // given
            var world = try await Self.setUp(app, for: action)
            let before = try await action.state(app, world)
            // when
            let response = action == .leave
                ? try await world.nia.post(action.path(world), form: action.form(world), csrfFrom: "/console")
                : try await world.admin.post(action.path(world), form: action.form(world), csrfFrom: "/console")
            // then
            #expect(response.status == .ok)
            #expect(response.body.string.contains(#"name="confirm" value="yes""#), "\(action)")
            #expect(try await action.state(app, world) == before, "\(action)")
        }
    }

    @Test("the confirmed POST does the action", arguments: Action.allCases)
    func confirmedPostActs(_ action: Action) async throws {
        try await withHerald { app in
            // given
            var world = try await Self.setUp(app, for: action)
            let before = try await action.state(app, world)
            var form = action.form(world)
            form[Confirmation.field] = Confirmation.value
            // when
            let response = action == .leave
                ? try await world.nia.post(action.path(world), form: form, csrfFrom: "/console")
                : try await world.admin.post(action.path(world), form: form, csrfFrom: "/console")
            // then
            #expect(response.status == .seeOther, "\(action): \(response.body.string)")
            #expect(try await action.state(app, world) != before, "\(action)")
        }
    }

    @Test("a confirmed action the server refuses shows the reason on the step, inside the console")
    func refusalShownOnTheStep() async throws {
        try await withHerald { app in
            // given: Ada is the only administrator
            var world = try await World.make(app)
            let ada = try #require(try await Membership.query(on: app.db).filter(\.$role == .administrator).first())
            // when
            let step = try await world.admin.get("/console/members/\(try ada.requireID())/block").body.string
            let response = try await world.admin.post("/console/members/\(try ada.requireID())/block",
                                                      form: [Confirmation.field: Confirmation.value], csrfFrom: "/console")
            // then
            let html = response.body.string
            #expect(step.contains("This is you"), "the step warns before someone locks themselves out")
            #expect(response.status == .conflict)
            #expect(html.contains(#"id="confirm-refused""#))
            #expect(html.contains("last Account Administrator"))
            #expect(html.contains(#"<nav class="sidebar""#))
            #expect(try await Membership.find(ada.id, on: app.db)?.status == .active)
        }
    }
}

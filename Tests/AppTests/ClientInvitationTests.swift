@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor

@Suite("Client invitations: one message per person with links and manual steps per device type")
struct ClientInvitationTests {
    @Test("a group with a nested group and a duplicate person yields one message per enabled person, each with a link and manual steps per device type",
          arguments: [ConnectionMode.gateway, .direct, .gatewaySSL, .directSSL])
    func messagesPerPerson(mode: ConnectionMode) async throws {
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let organizationID = try admin.organization.requireID()
            try await DirectoryFixtures.mailReady(app, organizationID: organizationID)
            let staff = try await DirectoryFixtures.staff(app, organizationID: organizationID)
            let request = ClientInvitationRequest(
                connection: .init(deviceTypes: ["windows", "macos", "ios"], server: "gw.example.com", port: "443", mode: mode.name,
                                  authentication: "sso", credentialProvider: "25cbb996-92ed-457e-b28c-4774084bd562"),
                userIDs: [try staff.users["Cat"]!.requireID()], groupIDs: [try staff.all.requireID()], language: .en)
            // when
            let plan = try await ClientInvitationPlanner.plan(request, organization: admin.organization, catalog: app.herald.catalog, publicURL: app.herald.configuration.publicURL, on: app.db)
            let sent = try await ClientInvitations(mailer: app.herald.mailer).send(plan, inviter: nil, actor: .system, on: app.db)
            // then: Ann, Bob, Cat once each; Dan is disabled
            let rows = try await OutboxMessage.query(on: app.db).filter(\.$batchID == sent.batchID).all()
            #expect(rows.map(\.recipients).sorted() == ["ann@example.com", "bob@example.com", "cat@example.com"])
            let link = "tuxclient:///?Command=LaunchApp&ConnMode=\(mode.rawValue)&Server=gw.example.com&Port=443"
            for row in rows {
                let parts = try MIMEParts(raw: Data(OutboxReader.raw(row)))
                for device in ["windows", "macos", "ios"] {
                    #expect(parts.html.contains("href=\"\(link.replacingOccurrences(of: "&", with: "&amp;"))\" data-device=\"\(device)\""))
                }
                #expect(parts.text.components(separatedBy: link).count - 1 == 3)
                for heading in ["Windows", "macOS", "iPhone and iPad (iOS)"] { #expect(parts.text.contains("\(heading)\n1. Download the client:")) }
                #expect(parts.text.contains("Open the client and add a new connection with the server gw.example.com and the port 443."))
                #expect(parts.text.contains("Set the authentication to Single Sign-On."))
                #expect(parts.text.components(separatedBy: "Use the credential provider {25CBB996-92ED-457E-B28C-4774084BD562}.").count - 1 == 1)
                #expect(parts.headers.contains("From: Acme IT <it@example.com>"))
            }
            let invitations = try await Invitation.query(on: app.db).filter(\.$kind == .client).all()
            #expect(invitations.count == 3)
            #expect(invitations.allSatisfy { $0.payload?.contains("\"connMode\":\(mode.rawValue)") == true })
        }
    }

    @Test("names are HTML-escaped in the message and the text part keeps them as typed")
    func escaping() async throws {
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            try await DirectoryFixtures.mailReady(app, organizationID: try admin.organization.requireID())
            let user = try await DirectoryStore.createUser(name: "<b>x</b>", email: "x@example.com", enabled: true,
                                                           organizationID: try admin.organization.requireID(), actor: .system, on: app.db)
            let request = ClientInvitationRequest(connection: .init(deviceTypes: ["linux"], server: "10.1.2.3"), userIDs: [try user.requireID()], language: .de)
            // when
            let plan = try await ClientInvitationPlanner.plan(request, organization: admin.organization, catalog: app.herald.catalog, publicURL: app.herald.configuration.publicURL, on: app.db)
            let message = plan.message(for: user)
            // then
            #expect(message.html.contains("Hallo &lt;b&gt;x&lt;/b&gt;,"))
            #expect(!message.html.contains("<b>x</b>"))
            #expect(message.text.hasPrefix("Hallo <b>x</b>,"))
            #expect(message.subject == "Fernzugriff auf Acme einrichten")
        }
    }

    @Test("nothing is sent while the organization has no saved mail settings, and the reason names them")
    func mailSettingsRequired() async throws {
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let staff = try await DirectoryFixtures.staff(app, organizationID: try admin.organization.requireID())
            let request = ClientInvitationRequest(connection: .init(deviceTypes: ["windows"], server: "gw.example.com"), groupIDs: [try staff.all.requireID()])
            // when / then
            await #expect(throws: Abort.self) {
                _ = try await ClientInvitationPlanner.plan(request, organization: admin.organization, catalog: app.herald.catalog, publicURL: app.herald.configuration.publicURL, on: app.db)
            }
            #expect(try await OutboxMessage.query(on: app.db).count() == 0)
        }
    }

    @Test("the default template exists in every language and uses all four variables")
    func defaultTemplates() async throws {
        try await withHerald { app in
            let organization = Organization()
            organization.name = "Acme"
            for language in Language.allCases {
                let text = ClientInvitationPlanner.defaultTemplate(language, organization: organization, catalog: app.herald.catalog)
                let template = try InvitationTemplate(parsing: text)
                #expect(template.missingVariables.isEmpty, "\(language.rawValue)")
                #expect(text.contains("Acme"))
                if language != .en { #expect(text != ClientInvitationPlanner.defaultTemplate(.en, organization: organization, catalog: app.herald.catalog)) }
            }
        }
    }
}

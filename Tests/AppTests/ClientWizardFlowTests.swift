@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Invite Users wizard: remembered connection, test email inside the step, Back before Next")
struct ClientWizardFlowTests {
    /// Acme's administrator signed in, with mail ready and the directory's staff.
    static func acme(_ app: Application) async throws -> (BrowserSession, UUID) {
        var admin = BrowserSession(app)
        try await admin.signInAsNewAdministrator()
        let acme = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
        try await DirectoryFixtures.mailReady(app, organizationID: try acme.requireID())
        _ = try await DirectoryFixtures.staff(app, organizationID: try acme.requireID())
        return (admin, try acme.requireID())
    }

    @Test("a new wizard offers the connection settings the organization used last")
    func rememberedConnection() async throws {
        try await withHerald { app in
            // given: one send through the API with gateway gw.acme.example:8443, direct SSL, smart card
            var (admin, acmeID) = try await Self.acme(app)
            let ada = try #require(try await Account.find(email: "admin@example.com", on: app.db))
            let token = try await APITokenService.create(name: "ci", scope: .administration, organizationID: acmeID, accountID: try ada.requireID(), actor: .system, on: app.db).token
            let sent = try await app.testing().sendRequest(.POST, "/api/v1/client-invitations", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                body: ByteBuffer(string: #"{"device_types":["macos","ios"],"server":"gw.acme.example","port":8443,"connection_mode":"direct-ssl","authentication":"smartcard","groups":["All staff"]}"#))
            try #require(sent.status == .accepted, "\(sent.body.string)")
            // when
            _ = try await admin.post("/console/client-invitations/wizard/start", form: [:], csrfFrom: "/console/client-invitations")
            let page = try await admin.get("/console/client-invitations/wizard/connection").body.string
            // then
            #expect(page.contains(#"name="server" value="gw.acme.example""#), "\(page)")
            #expect(page.contains(#"name="port" value="8443""#))
            #expect(page.contains(#"<option value="direct-ssl" selected>"#))
            #expect(page.contains(#"<option value="smartcard" selected>"#))
            #expect(page.contains(#"value="macos" checked"#) && page.contains(#"value="ios" checked"#) && !page.contains(#"value="windows" checked"#))
        }
    }

    @Test("the mail step's test email comes before the step's Next; on every step Back comes before Next in Tab order")
    func orderOfTheSteps() async throws {
        try await withHerald { app in
            // given
            var (admin, _) = try await Self.acme(app)
            _ = try await admin.post("/console/client-invitations/wizard/start", form: [:], csrfFrom: "/console/client-invitations")
            // when
            let mail = try await admin.get("/console/client-invitations/wizard/mail").body.string
            _ = try await admin.post("/console/client-invitations/wizard/connection",
                                     form: ["device_types[]": "windows", "server": "gw.example.com", "port": "443", "connection_mode": "gateway-ssl",
                                            "authentication": "credentials", "direction": "refresh"], csrfFrom: "/console/client-invitations/wizard/connection")
            let connection = try await admin.get("/console/client-invitations/wizard/connection").body.string
            // then
            let testEmail = try #require(mail.range(of: #"id="wizard-test-email""#))
            let next = try #require(mail.range(of: #"form="wizard-form" name="direction" value="next""#))
            #expect(testEmail.lowerBound < next.lowerBound)
            // Tab stops: buttons without tabindex="-1", in document order.
            let tabbable = connection.matches(of: /<button ([^>]*)>([^<]*)<\/button>/).filter { !$0.1.contains(#"tabindex="-1""#) }.map { String($0.2) }
            let back = try #require(tabbable.firstIndex(of: "Back"))
            let visibleNext = try #require(tabbable.lastIndex(of: "Next"))
            #expect(back < visibleNext, "\(tabbable)")
            // Enter in a field submits the form's first submit button: Next, not Back.
            let firstSubmit = try #require(connection.firstMatch(of: /<form [^>]*id="wizard-form"(?s:.*?)<button ([^>]*)>/)).output.1
            #expect(firstSubmit.contains(#"value="next""#) && firstSubmit.contains(#"aria-hidden="true""#))
        }
    }
}

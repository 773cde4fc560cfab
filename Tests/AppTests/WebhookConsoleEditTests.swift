@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Changing a webhook endpoint in the console: its form, the re-authentication a new URL needs, and refusals that
/// name the field in the person's language.
@Suite("webhooks: editing an endpoint in the console")
struct WebhookConsoleEditTests {
    @Test("the console form changes description, switch and filter; a new URL waits for re-authentication; refusals name the field in German for a German browser")
    func editEndpoint() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let created = try await admin.post("/console/webhooks", form: ["url": "https://hooks.example.com/herald", "description": "HR"], csrfFrom: "/console/webhooks")
            #expect(created.status == .seeOther)
            let endpointID = try #require(try await WebhookEndpoint.query(on: app.db).first()?.requireID())
            let path = "/console/webhooks/\(endpointID)/edit"
            @Sendable func stored() async throws -> WebhookEndpoint { try #require(try await WebhookEndpoint.find(endpointID, on: app.db)) }
            // when: the form, then description, switch and filter changed together (the URL as it was)
            let form = try await admin.get(path)
            let saved = try await admin.post(path, form: ["url": "https://hooks.example.com/herald", "description": "People team", "events[]": "invitation.opened"],
                                             csrfFrom: path)
            // then
            #expect(form.status == .ok && form.body.string.contains(#"value="invitation.opened""#)
                    && form.body.string.contains("Invitation opened for the first time") && form.body.string.contains(#"value="HR""#))
            #expect(saved.status == .seeOther, "\(saved.body.string)")
            var endpoint = try await stored()
            #expect(endpoint.endpointDescription == "People team" && endpoint.enabled == false && endpoint.eventTypes == "invitation.opened")

            // when: a loopback URL and a control character, from a German browser
            let refused = try await admin.post(path, form: ["url": "http://127.0.0.1:9/hook", "description": "bell\u{7}", "enabled": "on"],
                                               csrfFrom: path, extraHeaders: ["Accept-Language": "de-DE,de;q=0.9"])
            // then: both fields named, in German, what was typed kept, nothing changed
            let html = refused.body.string
            #expect(refused.status == .unprocessableEntity)
            #expect(html.contains("URL: Dieser Server lehnt private und Loopback-Adressen ab."), "\(html)")
            #expect(html.contains("Beschreibung: muss eine Zeile ohne Steuerzeichen oder Richtungsumkehrungen sein."))
            #expect(html.contains("Einladung zum ersten Mal geöffnet") && html.contains(#"value="http://127.0.0.1:9/hook""#))
            endpoint = try await stored()
            #expect(endpoint.url == "https://hooks.example.com/herald" && endpoint.enabled == false)

            // when: six minutes later, a new URL, then a new description alone
            clock.advance(by: 6 * 60)
            let newURL = ["url": "https://other.example.com/hook", "description": "People team", "enabled": "on"]
            let asked = try await admin.post(path, form: newURL, csrfFrom: path)
            let described = try await admin.post(path, form: ["url": "https://hooks.example.com/herald", "description": "People & culture"], csrfFrom: path)
            // then: the URL waits, the description does not
            #expect(asked.status == .forbidden && asked.body.string.contains(#"value="https://other.example.com/hook""#))
            #expect(described.status == .seeOther)
            endpoint = try await stored()
            #expect(endpoint.url == "https://hooks.example.com/herald" && endpoint.endpointDescription == "People & culture")

            // when: the password confirmed, the browser repeats the POST
            let carried = CarriedForm.parse(try ReauthenticationTests.formBody(asked.body.string))
            let confirmed = try await admin.post("/console/reauthenticate", form: ReauthenticationTests.fields(carried, adding: ["reauth_password": "Correct-Horse-42"]),
                                                 csrfFrom: path)
            let repeated = try await admin.post(try #require(confirmed.headers.first(name: .location)), form: newURL, csrfFrom: path)
            // then
            #expect(confirmed.status == .temporaryRedirect && repeated.status == .seeOther)
            endpoint = try await stored()
            #expect(endpoint.url == "https://other.example.com/hook" && endpoint.enabled == true && endpoint.eventTypes == "")
            let changes = try await AuditEvent.query(on: app.db).filter(\.$action == .webhookEndpointChanged).count()
            #expect(changes == 3)
        }
    }
}

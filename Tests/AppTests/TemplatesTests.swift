@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Email templates per language")
struct TemplatesTests {
    @Test("an organization's German wording is previewed, saved, used in the next invitation, and reset")
    func editPreviewSaveReset() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let page = try await admin.get("/console/templates?template=join&language=de")
            #expect(page.body.string.contains("lädt Sie zu {organization} ein"))
            var form = ["template": "join", "language": "de", "join.email.subject": "Willkommen bei {organization}, von {inviter}"]
            // when: preview
            form["action"] = "preview"
            let preview = try await admin.post("/console/templates", form: form, csrfFrom: "/console/templates")
            // then: the exact HTML, escaped into a sandboxed frame, and nothing stored yet
            #expect(preview.status == .ok)
            #expect(preview.body.string.contains("<iframe class=\"preview\" sandbox"))
            #expect(preview.body.string.contains("Preview: Willkommen bei Acme, von Ada Admin (admin@example.com)"))
            #expect(try await MessageOverride.query(on: app.db).count() == 0)
            // when: save, then invite
            form["action"] = "save"
            #expect(try await admin.post("/console/templates", form: form, csrfFrom: "/console/templates").status == .seeOther)
            _ = try await admin.post("/console/invitations/join", form: ["emails": "gerd@example.com", "language": "de"], csrfFrom: "/console/invitations")
            _ = try await admin.post("/console/invitations/join", form: ["emails": "ed@example.com", "language": "en"], csrfFrom: "/console/invitations")
            // then
            #expect(try await OutboxReader.messages(app, to: "gerd@example.com").first?.subject == "Willkommen bei Acme, von Ada Admin (admin@example.com)")
            #expect(try await OutboxReader.messages(app, to: "ed@example.com").first?.subject == "Ada Admin (admin@example.com) invites you to join Acme")
            // when: reset
            let reset = try await admin.post("/console/templates", form: ["template": "join", "language": "de", "action": "reset"], csrfFrom: "/console/templates")
            #expect(reset.status == .seeOther)
            #expect(try await MessageOverride.query(on: app.db).count() == 0)
            let audit = try await AuditEvent.query(on: app.db).all().map(\.action)
            #expect(audit.contains(.templateChanged) && audit.contains(.templateReset))
        }
    }

    @Test("an unknown placeholder is refused naming it and the entry; nothing is stored")
    func unknownPlaceholder() async throws {
        try await withHerald { app in
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let response = try await admin.post("/console/templates", form: ["template": "join", "language": "fr", "action": "save",
                                                                             "join.email.intro": "Bonjour {firstname} !"], csrfFrom: "/console/templates")
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("join.email.intro: unknown placeholder {firstname}"))
            #expect(try await MessageOverride.query(on: app.db).count() == 0)
        }
    }

    @Test("install and client templates are editable too; the client template's unknown %VARIABLE% is refused")
    func installAndClientKinds() async throws {
        try await withHerald { app in
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let preview = try await admin.post("/console/templates", form: ["template": "install", "language": "it", "action": "preview",
                                                                            "install.mail.subject": "Installa {product} adesso"], csrfFrom: "/console/templates")
            #expect(preview.status == .ok)
            #expect(preview.body.string.contains("Preview: Installa Herald Pro adesso"))
            let bad = try await admin.post("/console/templates", form: ["template": "client", "language": "en", "action": "save",
                                                                        "client.template.default": "Hi %RECIPIENT%, see %INSTRUCTIONZ%"], csrfFrom: "/console/templates")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("INSTRUCTIONZ"))
            #expect(try await MessageOverride.query(on: app.db).count() == 0)
        }
    }
}

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
            #expect(response.body.string.contains("Introduction: unknown placeholder {firstname}"))
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

    @Test("the editor names fields in words and edits a count's phrase per plural form of the language")
    func labelsAndPluralForms() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            // when
            let german = try await admin.get("/console/templates?template=join&language=de").body.string
            let french = try await admin.get("/console/templates?template=join&language=fr").body.string
            let saved = try await admin.post("/console/templates", form: [
                "template": "join", "language": "de", "action": "save",
                "join.email.expiry#one": "Nur noch {count} Tag gültig ({date}).", "join.email.expiry#other": "Noch {count} Tage gültig ({date}).",
            ], csrfFrom: "/console/templates")
            let catalog = try await MessageOverrides.catalog(for: try #require(try await Organization.query(on: app.db).first()).requireID(),
                                                             base: app.herald.catalog, on: app.db)
            // then: labels, not catalog keys
            #expect(german.contains("<label>Subject"))
            #expect(!german.contains("<code>join.email.subject</code>"))
            #expect(german.contains("When the link expires, for 1"))
            #expect(german.contains("name=\"join.email.expiry#one\"") && german.contains("name=\"join.email.expiry#other\""))
            #expect(!german.contains("name=\"join.email.expiry#many\""))
            #expect(french.contains("When the link expires, for 0, 1"))
            #expect(french.contains("name=\"join.email.expiry#many\""))
            #expect(saved.status == .seeOther)
            #expect(catalog.plural("join.email.expiry", count: 1, .de, ["date": "D"]) == "Nur noch 1 Tag gültig (D).")
            #expect(catalog.plural("join.email.expiry", count: 7, .de, ["date": "D"]) == "Noch 7 Tage gültig (D).")
            #expect(catalog.plural("join.email.expiry", count: 7, .fr, ["date": "D"]).contains("7 jours"))
        }
    }

    @Test("the install email gives each step its own line in text and its own list item in HTML")
    func installStepsAreAList() {
        // given
        let catalog = LocalizationTests.catalog
        let parts = InstallInvitationEmail.Parts(product: "Herald Pro", organization: "Acme", downloadURL: "https://h.test/install/T",
                                                 code: "K7QH-M3XP-9TRD-WN4C-H2JA", expiresAt: Date(timeIntervalSince1970: 1_800_000_000))
        for language in Language.allCases {
            // when
            let email = InstallInvitationEmail.content(parts, language: language, catalog: catalog)
            // then
            #expect(email.steps.count == 3, "\(language)")
            #expect(email.text.contains("\n1. ") && email.text.contains("\n\n2. ") && email.text.contains("\n\n3. "), "\(language)")
            #expect(email.html.contains("<ol>\n<li>") && email.html.components(separatedBy: "<li>").count == 4, "\(language)")
            #expect(!email.steps.contains { $0.hasPrefix("1.") || $0.contains(" 2. ") }, "\(language)")
        }
    }

    @Test("the English client template opens properly and no language's starts in lower case after the greeting")
    func clientTemplateOpening() {
        let catalog = LocalizationTests.catalog
        #expect(catalog.text("client.template.default", .en).hasPrefix("Hello %RECIPIENT%,\n\n{organization} invites you"))
        for language in [Language.en, .fr, .es] {
            let body = catalog.text("client.template.default", language).components(separatedBy: "\n\n")[1]
            #expect(body.first.map { $0.isUppercase || $0 == "{" } == true, "\(language): \(body.prefix(30))")
        }
    }
}

@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Every state of every invitee page, in each language but English, holds no English: no English catalog text, none
/// of the English phrases Herald's console and error pages use, no common English words.
@Suite("Invitee pages speak the invitation's language")
struct InviteeLanguageTests {
    static let languages: [Language] = [.de, .fr, .es, .it, .ja, .zhHans]

    @Test("the join page and each of its refusals and link states", arguments: languages)
    func joinPageStates(language: Language) async throws {
        try await withHerald { app in
            // given: an administrator invites three people in `language`
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let people = ["new", "gone", "late"].map { "\($0)-\(language.rawValue.lowercased())@example.com" }
            _ = try await admin.post("/console/invitations/join", form: ["emails": people.joined(separator: "\n"), "language": language.rawValue],
                                     csrfFrom: "/console/invitations")
            let path = try await OutboxReader.joinPath(app, to: people[0])
            let form = "\(path)?lang=\(language.rawValue)"  // where the page's forms post to
            var invitee = BrowserSession(app)
            var pages: [(String, TestingHTTPResponse)] = []
            func create(_ password: String, _ confirmation: String? = nil, name: String = "Nia") async throws -> TestingHTTPResponse {
                try await invitee.post(form, form: ["mode": "create", "name": name, "password": password,
                                                    "password_confirmation": confirmation ?? password], csrfFrom: path)
            }
            // when: every refusal the join page can give
            pages.append(("pending", try await invitee.get(path)))
            pages.append(("too short, one kind", try await create("short")))
            pages.append(("mismatch", try await create("Sturdy-Pass-77", "Sturdy-Pass-78")))
            pages.append(("common", try await create("Password123")))
            pages.append(("email address", try await create(people[0])))
            pages.append(("over 72 bytes", try await create(String(repeating: "Correct-Horse-", count: 6))))
            pages.append(("no name", try await create("Sturdy-Pass-77", name: " ")))
            pages.append(("wrong password", try await invitee.post(form, form: ["mode": "signin", "password": "nope"], csrfFrom: path)))
            pages.append(("expired form", try await invitee.post(form, form: ["mode": "create"], csrf: .some("forged"))))
            pages.append(("unreadable form", try await invitee.post(form, form: ["mode": "neither"], csrfFrom: path)))
            // and the link states
            let stored = try await Invitation.query(on: app.db).filter(\.$email ~~ people).all()
            let oldPath = path
            let first = try #require(stored.first { $0.email == people[0] })
            _ = try await admin.post("/console/invitations/\(try first.requireID())/resend", form: [:], csrfFrom: "/console/invitations")
            let newPath = try await OutboxReader.joinPath(app, to: people[0])
            pages.append(("superseded", try await stranger(app, oldPath)))
            _ = try await invitee.post(newPath, form: ["mode": "create", "name": "Nia", "password": "Sturdy-Pass-77",
                                                       "password_confirmation": "Sturdy-Pass-77"], csrfFrom: newPath)
            pages.append(("used", try await stranger(app, newPath)))
            let revoked = try #require(stored.first { $0.email == people[1] })
            revoked.status = .revoked
            try await revoked.save(on: app.db)
            pages.append(("revoked", try await stranger(app, try await OutboxReader.joinPath(app, to: people[1]))))
            let expired = try #require(stored.first { $0.email == people[2] })
            expired.expiresAt = Date().addingTimeInterval(-60)
            try await expired.save(on: app.db)
            pages.append(("expired", try await stranger(app, try await OutboxReader.joinPath(app, to: people[2]))))
            pages.append(("unknown", try await app.testing().sendRequest(.GET, "/join/no-such-token", headers: ["Accept-Language": language.rawValue])))
            // and, last (it limits every request from this address), the limit on guessing
            var guesser = BrowserSession(app)
            let token = CSRF.linkBoundToken(path: path, key: app.herald.linkFormKey)
            var limited: TestingHTTPResponse?
            for _ in 0..<40 where limited == nil {
                let response = try await guesser.post(form, form: ["mode": "neither"], csrf: .some(token))
                if response.status == .tooManyRequests { limited = response }
            }
            pages.append(("rate limited", try #require(limited)))
            // then
            let catalog = app.herald.catalog
            for (state, page) in pages {
                #expect(InviteePageText.englishIn(page.body.string, language: language, catalog: catalog) == [], "\(language.rawValue) \(state)")
                #expect(page.body.string.contains("lang=\"\(language.rawValue)\""), "\(language.rawValue) \(state)")
            }
            let superseded = try #require(pages.first { $0.0 == "superseded" }?.1)
            #expect(superseded.status == .gone)
            #expect(InviteePageText.visibleText(superseded.body.string).contains(catalog.text("join.superseded.next", language)))
            let used = try #require(pages.first { $0.0 == "used" }?.1)
            #expect(used.body.string.contains("href=\"/signin\""))
            #expect(InviteePageText.visibleText(used.body.string).contains(catalog.text("join.used.next", language, ["organization": "Acme"])))
        }
    }

    /// A GET from a browser with no session, as a person opening a link from an email.
    private func stranger(_ app: Application, _ path: String) async throws -> TestingHTTPResponse {
        var browser = BrowserSession(app)
        return try await browser.get(path)
    }

    @Test("the install page in each of its states", arguments: languages)
    func installPageStates(language: Language) async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 3, people: 3, language: language)
            let paths = try invited.rows.map { try #require(URL(string: $0.downloadURL)).path }
            var pages: [(String, TestingHTTPResponse)] = []
            // when
            pages.append(("pending", try await app.testing().sendRequest(.GET, paths[0])))
            _ = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-\(language.rawValue)")
            pages.append(("activated", try await app.testing().sendRequest(.GET, paths[0])))
            let stored = try await Invitation.query(on: app.db).filter(\.$kind == .install).all()
            let revoked = try #require(stored.first { $0.email == invited.rows[1].email })
            revoked.status = .revoked
            try await revoked.save(on: app.db)
            let expired = try #require(stored.first { $0.email == invited.rows[2].email })
            expired.expiresAt = Date().addingTimeInterval(-60)
            try await expired.save(on: app.db)
            pages.append(("revoked", try await app.testing().sendRequest(.GET, paths[1])))
            pages.append(("expired", try await app.testing().sendRequest(.GET, paths[2])))
            pages.append(("unknown", try await app.testing().sendRequest(.GET, "/install/no-such-token", headers: ["Accept-Language": language.rawValue])))
            // then
            for (state, page) in pages {
                #expect(InviteePageText.englishIn(page.body.string, language: language, catalog: app.herald.catalog) == [], "\(language.rawValue) \(state)")
            }
        }
    }

    @Test("the English detector finds English: the console's error page, English catalog text, English words")
    func detectorFindsEnglish() {
        let catalog = LocalizationTests.catalog
        #expect(!InviteePageText.englishIn("<main><p>Too Many Requests</p></main>", language: .de, catalog: catalog).isEmpty)
        #expect(!InviteePageText.englishIn("<main><p>\(catalog.text("password.common", .en))</p></main>", language: .ja, catalog: catalog).isEmpty)
        #expect(!InviteePageText.englishIn("<main><p>Please try again</p></main>", language: .fr, catalog: catalog).isEmpty)
        #expect(InviteePageText.englishIn("<main><p>\(catalog.text("password.common", .de))</p></main>", language: .de, catalog: catalog).isEmpty)
    }
}

/// The English a page shows a person, found three ways.
enum InviteePageText {
    /// English Herald writes outside the catalogs: the console's error page, and the sentences invitee pages showed
    /// before they were catalog entries.
    static let knownEnglish = [
        "Too Many Requests", "Forbidden", "Bad Request", "Not Found", "Go to the console", "Something went wrong",
        "Reload the page", "minute(s)", "is required", "must be", "Use at least", "Mix at least", "most common",
        "CSRF", "Wait a few minutes",
    ]
    static var englishWords: Regex<(Substring, Substring)> { /(?i)\b(the|your|this|is|and|you|please|try|again|with|been|sign)\b/ }

    /// What the person reads: the body without tags and without the language switch (it names English as "English").
    static func visibleText(_ html: String) -> String {
        var text = html.replacing(/(?s)<nav class="language-switch".*?<\/nav>/, with: " ")
        text = text.replacing(/(?s)<head>.*?<\/head>/, with: " ").replacing(/<[^>]+>/, with: " ")
        for (entity, character) in ["&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&#x27;": "'"] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    /// Each piece of English found in `html`, empty when there is none.
    static func englishIn(_ html: String, language: Language, catalog: MessageCatalog) -> [String] {
        let text = visibleText(html)
        var found = knownEnglish.filter { text.contains($0) }
        for (key, entry) in catalog.entries[.en] ?? [:] {
            let translated = catalog.entries[language]?[key].map(texts) ?? []
            for english in texts(entry) {
                // The fixed parts between placeholders; short ones ("Linux", "{count} byte") are names or shared with the language.
                for fragment in english.split(separator: /\{[a-zA-Z_]+\}/).map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) })
                where fragment.count >= 10 && fragment.contains(" ") && !translated.contains(where: { $0.contains(fragment) }) && text.contains(fragment) {
                    found.append("\(key): \(fragment)")
                }
            }
        }
        found += text.matches(of: englishWords).map { "word: \($0.output.0)" }
        return found
    }

    private static func texts(_ entry: MessageCatalog.Entry) -> [String] {
        switch entry {
        case .text(let text): [text]
        case .plural(let forms): Array(forms.values)
        }
    }
}

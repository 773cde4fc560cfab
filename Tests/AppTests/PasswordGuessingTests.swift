@testable import App
import Fluent
import HeraldCore
import Foundation
import Testing
import Vapor
import VaporTesting

/// Every password check is limited the same way, and nobody can lock an owner out.
@Suite("password guessing")
struct PasswordGuessingTests {
    static func from(_ address: String) -> HTTPHeaders { ["X-Forwarded-For": address] }

    @Test("wrong passwords on the sign-in page also hold back the join page's sign-in for that account and client")
    func joinPageSharesTheLimit() async throws {
        try await withHerald { app in
            // given
            let path = try await TestData.bobInvitedToAcme(app)
            var guesser = BrowserSession(app)
            // when
            for _ in 0..<10 {
                _ = try await guesser.post(path, form: ["mode": "signin", "password": "Not-Bobs-1"], csrfFrom: path)
            }
            let signIn = try await guesser.post("/signin", form: ["email": "bob@example.com", "password": "Bobs-Password-1"])
            // then
            #expect(signIn.status == .tooManyRequests)
        }
    }

    @Test("guesses from elsewhere do not lock the owner out: per account and client, and a known browser passes the account cap")
    func noLockout() async throws {
        try await withHerald({ $0.trustProxy = true }) { app in
            // given: the owner signed in once on their own browser
            _ = try await TestData.administrator(app, email: "ada@example.com", password: "Correct-Horse-42", organization: "Acme")
            var owner = BrowserSession(app)
            let first = try await owner.post("/signin", form: ["email": "ada@example.com", "password": "Correct-Horse-42"], extraHeaders: Self.from("198.51.100.1"))
            #expect(first.status == .seeOther)
            _ = try await owner.post("/signout", form: [:], csrfFrom: "/console")
            // when: ten guesses from one address, then 50 more from many
            var guesser = BrowserSession(app)
            for attempt in 0..<10 {
                _ = try await guesser.post("/signin", form: ["email": "ada@example.com", "password": "Guess-\(attempt)"], extraHeaders: Self.from("203.0.113.9"))
            }
            let sameGuesser = try await guesser.post("/signin", form: ["email": "ada@example.com", "password": "Guess-x"], extraHeaders: Self.from("203.0.113.9"))
            let ownerAfterTen = try await owner.post("/signin", form: ["email": "ada@example.com", "password": "Correct-Horse-42"], extraHeaders: Self.from("198.51.100.1"))
            _ = try await owner.post("/signout", form: [:], csrfFrom: "/console")
            for attempt in 0..<50 {
                _ = try await guesser.post("/signin", form: ["email": "ada@example.com", "password": "Guess-\(attempt)"],
                                           extraHeaders: Self.from("10.1.\(attempt / 200).\(attempt % 200)"))
            }
            var stranger = BrowserSession(app)
            let newBrowser = try await stranger.post("/signin", form: ["email": "ada@example.com", "password": "Correct-Horse-42"], extraHeaders: Self.from("192.0.2.77"))
            let knownBrowser = try await owner.post("/signin", form: ["email": "ada@example.com", "password": "Correct-Horse-42"], extraHeaders: Self.from("192.0.2.78"))
            // then
            #expect(sameGuesser.status == .tooManyRequests)
            #expect(ownerAfterTen.status == .seeOther, "ten wrong attempts elsewhere do not lock the owner out")
            #expect(newBrowser.status == .tooManyRequests, "distributed guessing hits the per-account cap")
            #expect(knownBrowser.status == .seeOther, "the owner's own browser is not held by that cap")
        }
    }

    @Test("a password that differs only after byte 72 does not sign in, and one over 72 bytes cannot be set")
    func longPasswords() async throws {
        try await withHerald { app in
            // given: an account whose hash was made from a long password before Herald refused them
            let long = String(repeating: "Correct-Horse-", count: 6)
            #expect(long.utf8.count > 72)
            let created = try await TestData.administrator(app, email: "ada@example.com", password: "Correct-Horse-42", organization: "Acme")
            created.account.passwordHash = try await app.password.async.hash(String(long.utf8.prefix(72))!)
            try await created.account.save(on: app.db)
            var browser = BrowserSession(app)
            // when
            let differentTail = try await browser.post("/signin", form: ["email": "ada@example.com", "password": long + "anything"])
            // then
            #expect(differentTail.status == .unauthorized)
            #expect(PasswordPolicy().problems(password: long, email: "ada@example.com").contains(.tooLong(maximumBytes: 72, bytes: long.utf8.count)))
            #expect(AdministratorRequest(name: "A", email: "b@example.com", organization: "O", password: long).problems(catalog: LocalizationTests.catalog).contains { $0.hasPrefix("password:") })
        }
    }

    @Test("the join page refuses a new password over 72 bytes in the invitee's language")
    func joinRefusesLongPassword() async throws {
        try await withHerald { app in
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "new@example.com"], csrfFrom: "/console/invitations")
            let path = try await OutboxReader.joinPath(app, to: "new@example.com")
            var invitee = BrowserSession(app)
            let long = String(repeating: "Correct-Horse-", count: 6)
            let refused = try await invitee.post(path, form: ["mode": "create", "name": "New", "password": long, "password_confirmation": long], csrfFrom: path)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("72"))
            #expect(try await Account.find(email: "new@example.com", on: app.db) == nil)
        }
    }

    @Test("a client limited for unknown activation codes is refused a valid code too, on the task-free path as well")
    func activationRefusedWhileLimited() async throws {
        try await withHerald { app in
            // given: one machine activated (its repeat is answered on the task-free path on SQLite), then 30 guesses
            let invited = try await LicenseFixtures.invite(app, seats: 5, people: 2)
            #expect(try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-repeat").status == .created)
            for attempt in 0..<30 {
                let guess = try await LicenseFixtures.activate(app, code: "WRONG-CODE-\(attempt)", fingerprint: "fp-guess")
                #expect(guess.status == .notFound, "attempt \(attempt): \(guess.status)")
            }
            // when
            let fresh = try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-new")
            let repeated = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-repeat")
            // then
            #expect(fresh.status == .tooManyRequests)
            #expect(repeated.status == .tooManyRequests)
            #expect(try await Installation.query(on: app.db).count() == 1, "nothing was activated while limited")
        }
    }
}

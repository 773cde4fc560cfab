@testable import App
import Fluent
import Foundation
import MIME
import Testing
import Vapor
import VaporTesting

/// Reminders of pending invitations (#18): once per step per invitation even with two rounds at once (as two
/// instances), never to a suppressed address, in the invitation's language, with the link or code the person has.
@Suite("Invitation reminders")
struct ReminderTests {
    /// What a person reads: the decoded text part of each message queued to `email`, with its subject.
    static func read(_ app: Application, to email: String) async throws -> [(subject: String, text: String)] {
        try await OutboxReader.messages(app, to: email).map { message in
            (message.subject, try MIMEParts(raw: Data(OutboxReader.raw(message))).text)
        }
    }

    @Test("join and install invitations are reminded once per step in their language with the same link and code; suppressed addresses never")
    func remindedOncePerStep() async throws {
        try await withHerald({ WebhookTests.configure(&$0) }) { app in
            // given: a German join invitation, a Japanese install invitation, and an invited address suppressed afterwards
            let fixture = try await WebhookTests.Fixture(app)
            let endpoint = try await fixture.send(.POST, "/webhooks/endpoints", #"{"url":"http://127.0.0.1:9/hook","eventTypes":["invitation.reminded"]}"#)
            let endpointID = try endpoint.content.get(String.self, at: "id")
            let created = Date()
            let joined = try await fixture.send(.POST, "/invitations/join", #"{"emails":["anna@example.com","gone@example.com"],"language":"de"}"#)
            #expect(joined.status == .created, "\(joined.body.string)")
            let organization = try #require(try await Organization.find(fixture.organizationID, on: app.db))
            _ = try await LicenseFixtures.invite(app, organization: organization, seats: 5, people: 1,
                                                 expiresAt: created.addingTimeInterval(7 * 86_400), language: .ja)
            try await Suppressions.add(organizationID: fixture.organizationID, address: "gone@example.com", reason: .manual, note: nil,
                                       actor: .commandLine, on: app.db)
            let reminders = app.herald.reminders
            // when: a round before any step, two at once after the 3-day step, one more, then rounds after the 1-day step
            let early = try await reminders.remind(now: created.addingTimeInterval(1 * 86_400), on: app.db)
            let threeDaysBefore = created.addingTimeInterval(4.5 * 86_400)
            async let first = reminders.remind(now: threeDaysBefore, on: app.db)
            async let second = reminders.remind(now: threeDaysBefore, on: app.db)
            let racing = try await [first, second]
            let repeated = try await reminders.remind(now: threeDaysBefore.addingTimeInterval(3_600), on: app.db)
            let oneDayBefore = try await reminders.remind(now: created.addingTimeInterval(6.5 * 86_400), on: app.db)
            let afterwards = try await reminders.remind(now: created.addingTimeInterval(6.8 * 86_400), on: app.db)
            // then: two reminders per invitation, one per step
            #expect(early == 0)
            #expect(racing.reduce(0, +) == 2, "\(racing)")
            #expect(repeated == 0)
            #expect(oneDayBefore == 2)
            #expect(afterwards == 0)
            // the join reminders: German, saying so, with the very link of the invitation
            let anna = try await Self.read(app, to: "anna@example.com")
            #expect(anna.count == 3)
            #expect(anna.dropFirst().allSatisfy { $0.subject == "Erinnerung: " + anna[0].subject }, "\(anna.map(\.subject))")
            #expect(anna.dropFirst().allSatisfy { $0.text.contains("Eine Erinnerung: Diese Einladung wartet noch auf Sie.") })
            let links = anna.map { $0.text.firstMatch(of: /https:\/\/herald\.test\/join\/[A-Za-z0-9_-]+/).map { String($0.output) } }
            #expect(links[0] != nil && Set(links).count == 1, "\(links)")
            // the install reminders: Japanese, with the same code and download link
            let person = try await Self.read(app, to: "person0@example.com")
            #expect(person.count == 3)
            #expect(person.dropFirst().allSatisfy { $0.subject.hasPrefix("リマインダー：") }, "\(person.map(\.subject))")
            let codes = person.map { $0.text.firstMatch(of: /[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/).map { String($0.output) } }
            #expect(codes[0] != nil && Set(codes).count == 1, "\(codes)")
            let downloads = person.map { $0.text.firstMatch(of: /https:\/\/herald\.test\/install\/[A-Za-z0-9_-]+/).map { String($0.output) } }
            #expect(downloads[0] != nil && Set(downloads).count == 1, "\(downloads)")
            // the suppressed address got nothing after its invitation
            #expect(try await OutboxReader.messages(app, to: "gone@example.com").count == 1)
            // each reminder announced once, and in the invitation's history
            let events = try await fixture.deliveries(endpointID)
            #expect(events.map(\.eventType) == Array(repeating: "invitation.reminded", count: 4))
            let annaInvitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == "anna@example.com").first())
            let history = try await InvitationHistory.events(invitationID: try annaInvitation.requireID(), on: app.db)
            #expect(history.filter { $0.kind == .reminded }.compactMap(\.detail) == ["3 day(s) before expiry", "1 day(s) before expiry"])
        }
    }

    @Test("an invitation made with less time than a step is not reminded at that step, and a missed step does not add a second email")
    func stepsThatDoNotApply() async throws {
        try await withHerald { app in
            // given: a join invitation valid for 2 days (steps 3 and 1)
            let fixture = try await WebhookTests.Fixture(app)
            let created = Date()
            _ = try await fixture.send(.POST, "/invitations/join", #"{"emails":["short@example.com"],"expires_in_days":2}"#)
            let reminders = app.herald.reminders
            // when: a round right away (inside the 3-day step), then one inside the 1-day step, then again
            let atOnce = try await reminders.remind(now: created.addingTimeInterval(60), on: app.db)
            let dayBefore = try await reminders.remind(now: created.addingTimeInterval(1.5 * 86_400), on: app.db)
            let again = try await reminders.remind(now: created.addingTimeInterval(1.6 * 86_400), on: app.db)
            // then
            #expect(atOnce == 0)
            #expect(dayBefore == 1)
            #expect(again == 0)
            #expect(try await OutboxReader.messages(app, to: "short@example.com").count == 2)
        }
    }
}

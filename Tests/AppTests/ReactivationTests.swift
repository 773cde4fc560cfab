@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// The same computer activating again after an administrator deactivated or blocked it (SQLite and PostgreSQL).
@Suite("Re-activation after Deactivate and Block computer")
struct ReactivationTests {
    private func deactivate(_ app: Application, _ invited: LicenseFixtures.Invited, fingerprint: String,
                            _ action: InstallationActions.Action = .deactivate) async throws {
        let installation = try #require(try await Installation.query(on: app.db).filter(\.$fingerprint == fingerprint)
            .filter(\.$status == .active).first())
        _ = try await InstallationActions.apply(action, installationID: try installation.requireID(), keyID: try invited.key.requireID(),
                                                actor: .commandLine, seatLock: app.herald.seatLock, on: app.db)
    }

    @Test("after Deactivate the same computer activates again with its code while a seat is free; another computer may not")
    func sameComputerAfterDeactivate() async throws {
        try await withHerald { app in
            // given: one seat, two people; the first computer activated, then was deactivated
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 2)
            let first = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            let oldSerial = try first.content.decode(ActivationAPIController.ActivationResponse.self).certificateSerial
            try await deactivate(app, invited, fingerprint: "fp-laptop-0001")
            // when
            let other = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-someone-else")
            let again = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            let repeated = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            let seatTaken = try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-desktop-0002")
            // then
            #expect(other.status == .conflict)
            #expect(other.headers.first(name: "Herald-Activation-Error") == "code-used")
            #expect(again.status == .created, "\(again.body.string)")
            let renewed = try again.content.decode(ActivationAPIController.ActivationResponse.self)
            #expect(renewed.certificateSerial != oldSerial)
            #expect(repeated.status == .ok)
            #expect(seatTaken.status == .unprocessableEntity, "the seat is counted again")
            let list = try await app.testing().sendRequest(.GET, "/api/v1/organizations/\(try invited.organization.requireID().uuidString)/revoked-certificates")
            #expect(list.body.string.contains(oldSerial))
            #expect(!list.body.string.contains(renewed.certificateSerial))
            #expect(try await Installation.query(on: app.db).filter(\.$status == .active).count() == 1)
        }
    }

    @Test("after Deactivate, when the seat went to someone else meanwhile, the computer is told no seat is free")
    func seatGoneMeanwhile() async throws {
        try await withHerald { app in
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 2)
            _ = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            try await deactivate(app, invited, fingerprint: "fp-laptop-0001")
            #expect(try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-desktop-0002").status == .created)
            // when
            let again = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            // then
            #expect(again.status == .unprocessableEntity)
            #expect(again.headers.first(name: "Herald-Activation-Error") == "no-free-seat")
        }
    }

    @Test("after Block computer the same computer is told, in its language, that the administrator blocked it")
    func sameComputerAfterBlock() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 2, people: 2)
            _ = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            try await deactivate(app, invited, fingerprint: "fp-laptop-0001", .block)
            // when
            let english = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-laptop-0001")
            let german = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-laptop-0001", acceptLanguage: "de-DE,de;q=0.9")
            let japanese = try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-laptop-0001", acceptLanguage: "ja")
            // then
            for response in [english, german, japanese] {
                #expect(response.status == .forbidden)
                #expect(response.headers.first(name: "Herald-Activation-Error") == "computer-blocked")
            }
            #expect(english.body.string.contains("The administrator blocked this computer"))
            #expect(german.body.string.contains("Die Administration hat diesen Computer für diesen Lizenzschlüssel gesperrt."))
            #expect(japanese.body.string.contains("管理者がこのコンピューターでの"))
        }
    }
}

@testable import App
import Fluent
import Foundation
import JWTKit
import Testing
import Vapor
import VaporTesting

@Suite("Activation with temporary codes")
struct ActivationTests {
    @Test("a valid code activates the machine and returns a certificate verifiable offline, without the real key")
    func activationIssuesVerifiableCertificate() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 2, people: 1)
            // when
            let response = try await LicenseFixtures.activate(app, code: invited.codes[0].lowercased(), fingerprint: "fp-0001-ada")
            // then
            #expect(response.status == .created)
            let activation = try response.content.decode(ActivationAPIController.ActivationResponse.self)
            let keysPath = try #require(URL(string: activation.publicKeyURL)).path
            let jwks = try await app.testing().sendRequest(.GET, keysPath)
            #expect(jwks.status == .ok)
            let keys = try await JWTKeyCollection().add(jwksJSON: jwks.body.string)
            let certificate = try await keys.verify(activation.certificate, as: ActivationCertificate.self)
            #expect(certificate.machine.fingerprint == "fp-0001-ada")
            #expect(certificate.machine.macAddress == "A4:83:E7:01:02:03")
            #expect(certificate.jti.value == activation.certificateSerial)
            #expect(try certificate.licenseKeyID == invited.key.requireID().uuidString)
            let decodedPayload = String(decoding: try #require(Data(base64Encoded: Self.padded(activation.certificate.split(separator: ".")[1]))), as: UTF8.self)
            #expect(!decodedPayload.contains("REAL-SECRET-KEY-0001"))
            #expect(!response.body.string.contains("REAL-SECRET-KEY-0001"))
            // A certificate signed by another key does not verify.
            let forged = try await JWTKeyCollection().add(eddsa: try EdDSA.PrivateKey(curve: .ed25519)).sign(certificate)
            await #expect(throws: (any Error).self) { try await keys.verify(forged, as: ActivationCertificate.self) }
            let installation = try #require(try await Installation.query(on: app.db).first())
            #expect(installation.status == .active)
            #expect(try await Invitation.query(on: app.db).first()?.status == .accepted)
        }
    }

    @Test("the same machine re-activating with the same code gets its installation back; another machine is refused")
    func reactivationIsIdempotent() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 5, people: 1)
            let first = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-same-machine")
            // when
            let again = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-same-machine")
            let other = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-other-machine")
            // then
            #expect(first.status == .created)
            #expect(again.status == .ok)
            let a = try first.content.decode(ActivationAPIController.ActivationResponse.self)
            let b = try again.content.decode(ActivationAPIController.ActivationResponse.self)
            #expect(a.certificateSerial == b.certificateSerial)
            #expect(a.installationID == b.installationID)
            #expect(other.status == .conflict)
            #expect(other.headers.first(name: "Herald-Activation-Error") == "code-used")
            #expect(try await Installation.query(on: app.db).count() == 1)
        }
    }

    @Test("each refusal has its own status and names what is wrong")
    func refusalsAreDistinct() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given: one seat, three invitees; one batch whose codes expire before they are used
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 3, expiresAt: clock.now.addingTimeInterval(7 * 86_400))
            let expired = try await LicenseFixtures.invite(app, seats: 1, people: 1, expiresAt: clock.now.addingTimeInterval(60))
            clock.advance(by: 61)
            // when / then
            let unknown = try await LicenseFixtures.activate(app, code: "AAAA-BBBB-CCCC-DDDD-EEEE", fingerprint: "fp-unknown")
            #expect(unknown.status == .notFound)
            #expect(unknown.body.string.contains("code: Unknown activation code"))
            let late = try await LicenseFixtures.activate(app, code: expired.codes[0], fingerprint: "fp-late-machine")
            #expect(late.status == .gone, "\(late.body.string)")
            #expect(try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-first").status == .created)
            let full = try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-second")
            #expect(full.status == .unprocessableEntity)
            #expect(full.body.string.contains("seats: The only seat of this license key is in use"))
            let missing = try await LicenseFixtures.activate(app, code: invited.codes[2], fingerprint: "")
            #expect(missing.status == .badRequest)
            #expect(missing.body.string.contains("fingerprint: is required"))
            let badMAC = try await LicenseFixtures.activate(app, code: invited.codes[2], fingerprint: "fp-third-1", extra: ["macAddress": "zz"])
            #expect(badMAC.status == .badRequest)
            #expect(badMAC.body.string.contains("macAddress:"))
            // Nothing was stored by the refused requests.
            #expect(try await Installation.query(on: app.db).count() == 1)
        }
    }

    @Test("an expired license key and a blocked computer are refused")
    func expiredKeyAndBlockedComputer() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 5, people: 3)
            let first = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-blocked-pc")
            let installation = try #require(try await Installation.query(on: app.db).first())
            _ = try await InstallationActions.apply(.block, installationID: try installation.requireID(), keyID: try invited.key.requireID(), actor: .commandLine,
                                                    seatLock: app.herald.seatLock, on: app.db)
            // when
            let blocked = try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-blocked-pc")
            invited.key.expiresAt = Date().addingTimeInterval(-60)
            try await invited.key.save(on: app.db)
            let expiredKey = try await LicenseFixtures.activate(app, code: invited.codes[2], fingerprint: "fp-fresh-pc")
            // then
            #expect(first.status == .created)
            #expect(blocked.status == .forbidden)
            #expect(blocked.headers.first(name: "Herald-Activation-Error") == "computer-blocked")
            #expect(expiredKey.status == .paymentRequired)
            #expect(expiredKey.body.string.contains("license: The license key expired on"))
        }
    }

    @Test("deactivating frees the seat and lists the certificate as revoked")
    func deactivationFreesSeat() async throws {
        try await withHerald { app in
            // given: two seats, three people, two activated
            let invited = try await LicenseFixtures.invite(app, seats: 2, people: 3)
            let first = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-machine-1")
            _ = try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-machine-2")
            #expect(try await LicenseFixtures.activate(app, code: invited.codes[2], fingerprint: "fp-machine-3").status == .unprocessableEntity)
            let serial = try first.content.decode(ActivationAPIController.ActivationResponse.self).certificateSerial
            let installation = try #require(try await Installation.query(on: app.db).filter(\.$fingerprint == "fp-machine-1").first())
            // when
            _ = try await InstallationActions.apply(.deactivate, installationID: try installation.requireID(), keyID: try invited.key.requireID(), actor: .commandLine,
                                                    seatLock: app.herald.seatLock, on: app.db)
            // then
            #expect(try await LicenseFixtures.activate(app, code: invited.codes[2], fingerprint: "fp-machine-3").status == .created)
            let list = try await app.testing().sendRequest(.GET, "/api/v1/organizations/\(try invited.organization.requireID().uuidString)/revoked-certificates")
            #expect(list.status == .ok)
            #expect(list.body.string.contains(serial))
        }
    }

    @Test("200 concurrent activations at a key with 20 seats: exactly 20 succeed")
    func seatsAreNeverOverused() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 20, people: 200)
            // when
            let answers = try await withThrowingTaskGroup(of: RaceAnswer.self) { group in
                for (index, code) in invited.codes.enumerated() {
                    group.addTask {
                        // As a product does: a 503 (the database's connections all busy for the pool's 10 s, which a
                        // test process starved by 280 parallel tests can reach) is asked again.
                        var response = try await LicenseFixtures.activate(app, code: code, fingerprint: "fp-race-\(index)")
                        var retried = false
                        for _ in 0..<5 where response.status == .serviceUnavailable {
                            try await Task.sleep(for: .seconds(1))
                            retried = true
                            response = try await LicenseFixtures.activate(app, code: code, fingerprint: "fp-race-\(index)")
                        }
                        return RaceAnswer(status: response.status.code, retried: retried, body: response.body.string)
                    }
                }
                return try await group.reduce(into: [RaceAnswer]()) { $0.append($1) }
            }
            let statuses = answers.map(\.status)
            // then
            #expect(statuses.count == 200)
            // 200 only for a request asked again after a 503 that came once its seat was taken: the same machine's
            // repeat, answered as the idempotent success it is.
            let unexpected = answers.filter { ![201, 422].contains($0.status) && !($0.status == 200 && $0.retried) }
            #expect(unexpected.isEmpty, "answers other than 201 and 422: \(unexpected.prefix(5))")
            #expect(statuses.filter { $0 == 201 || $0 == 200 }.count == 20)
            #expect(statuses.filter { $0 == 422 }.count == 180)
            #expect(try await Installation.query(on: app.db).filter(\.$status == .active).count() == 20)
            #expect(try await ActivationCodeRecord.query(on: app.db).filter(\.$status == .used).count() == 20)
        }
    }

    struct RaceAnswer: Sendable {
        let status: UInt
        let retried: Bool
        let body: String
    }

    static func padded(_ part: Substring) -> String {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        return text
    }
}

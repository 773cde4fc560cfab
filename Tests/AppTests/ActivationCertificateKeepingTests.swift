@testable import App
import Fluent
import Foundation
import JWTKit
import Testing
import Vapor
import VaporTesting

@Suite("Activation certificates are issued once and kept")
struct ActivationCertificateKeepingTests {
    @Test("the certificate issued at activation is kept and handed back byte for byte; signed afresh, it is the same bytes")
    func keptCertificateIsHandedBack() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 2, people: 1)
            let first = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-kept-0001")
            #expect(first.status == .created)
            let issued = try first.content.decode(ActivationAPIController.ActivationResponse.self).certificate
            let installation = try #require(try await Installation.query(on: app.db).first())
            #expect(installation.certificate == issued)
            #expect(installation.certificateIssuer == app.herald.configuration.publicURL.absoluteString)
            // when: the product activates again, then again after the kept copy is gone (an installation from
            // before certificates were kept)
            let again = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-kept-0001")
            installation.certificate = nil
            installation.certificateIssuer = nil
            try await installation.save(on: app.db)
            let resigned = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-kept-0001")
            // then
            #expect(again.status == .ok)
            #expect(try again.content.decode(ActivationAPIController.ActivationResponse.self).certificate == issued)
            #expect(resigned.status == .ok)
            #expect(try resigned.content.decode(ActivationAPIController.ActivationResponse.self).certificate == issued)
        }
    }

    @Test("a certificate kept under another public URL is not handed out: the product gets one naming today's URL")
    func certificateFromAnotherPublicURLIsReissued() async throws {
        try await withHerald { app in
            // given: a kept certificate issued when Herald was reached under another address
            let invited = try await LicenseFixtures.invite(app, seats: 2, people: 1)
            #expect(try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-moved-0001").status == .created)
            let installation = try #require(try await Installation.query(on: app.db).first())
            installation.certificate = "issued-under-the-old-address"
            installation.certificateIssuer = "https://old.example.com/"
            try await installation.save(on: app.db)
            // when
            let again = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-moved-0001")
            // then
            #expect(again.status == .ok)
            let activation = try again.content.decode(ActivationAPIController.ActivationResponse.self)
            #expect(activation.certificate != "issued-under-the-old-address")
            let jwks = try await app.testing().sendRequest(.GET, try #require(URL(string: activation.publicKeyURL)).path)
            let keys = try await JWTKeyCollection().add(jwksJSON: jwks.body.string)
            let certificate = try await keys.verify(activation.certificate, as: ActivationCertificate.self)
            #expect(certificate.iss.value == app.herald.configuration.publicURL.absoluteString)
            #expect(certificate.machine.fingerprint == "fp-moved-0001")
        }
    }

    @Test("a repeat is answered without a task on SQLite, as the async path answers it; anything else is left to that path")
    func repeatWithoutTask() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 3, people: 1)
            let controller = ActivationAPIController(activation: app.herald.activation, limits: app.herald.activationLimits)
            func request(fingerprint: String) throws -> Request {
                let body = ["code": invited.codes[0], "fingerprint": fingerprint, "computerName": "PC", "operatingSystem": "Linux"]
                return Request(application: app, method: .POST, url: URI(path: "/api/v1/activations"),
                               headers: ["Content-Type": "application/json"], collectedBody: ByteBuffer(data: try JSONEncoder().encode(body)),
                               on: app.eventLoopGroup.next())
            }
            func decoded(_ response: Response?) throws -> ActivationAPIController.ActivationResponse? {
                try response.map { try JSONDecoder.custom(dates: .iso8601).decode(ActivationAPIController.ActivationResponse.self, from: Data(buffer: $0.body.buffer!)) }
            }

            // when / then: a first activation takes a seat, so it is not answered here
            #expect(try controller.repeatWithoutWaiting(request(fingerprint: "fp-task-free-1")) == nil)
            let first = try await controller.activate(request(fingerprint: "fp-task-free-1"))
            #expect(first.status == .created)
            let repeated = try controller.repeatWithoutWaiting(request(fingerprint: "fp-task-free-1"))
            if TestDatabase.isPostgres {
                #expect(repeated == nil) // a network read has to wait
            } else {
                #expect(repeated?.status == .ok)
                #expect(try decoded(repeated) == decoded(first))
            }
            // another machine with the same code: refused by the async path
            #expect(try controller.repeatWithoutWaiting(request(fingerprint: "fp-task-free-2")) == nil)
            #expect(try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-task-free-2").status == .conflict)
            // malformed: the same 400 either way (PostgreSQL leaves even the parsing to the async path)
            if !TestDatabase.isPostgres {
                #expect(throws: Abort.self) { try controller.repeatWithoutWaiting(request(fingerprint: "short")) }
            }
            // a certificate kept under another address is signed afresh by the async path
            let installation = try #require(try await Installation.query(on: app.db).first())
            installation.certificateIssuer = "https://old.example.com/"
            try await installation.save(on: app.db)
            #expect(try controller.repeatWithoutWaiting(request(fingerprint: "fp-task-free-1")) == nil)
        }
    }

    @Test("certificates are compact JWS with an EdDSA header naming the published key")
    func headerNamesThePublishedKey() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 1)
            // when
            let response = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: "fp-header-0001")
            // then
            let activation = try response.content.decode(ActivationAPIController.ActivationResponse.self)
            let parts = activation.certificate.split(separator: ".", omittingEmptySubsequences: false)
            #expect(parts.count == 3)
            let header = try JSONDecoder().decode([String: String].self, from: try #require(Data(base64Encoded: ActivationTests.padded(parts[0]))))
            let jwks = try await app.testing().sendRequest(.GET, try #require(URL(string: activation.publicKeyURL)).path)
            let published = try JSONDecoder().decode(ActivationSigningKeys.PublicKeySet.self, from: Data(jwks.body.readableBytesView))
            #expect(header == ["alg": "EdDSA", "typ": "JWT", "kid": try #require(published.keys.first).kid])
            #expect(try #require(Data(base64Encoded: ActivationTests.padded(parts[2]))).count == 64) // an Ed25519 signature
        }
    }
}

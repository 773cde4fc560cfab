@testable import App
import Fluent
import Foundation
import HeraldCore
import JWTKit
import Testing
import VaporTesting

/// Offline activation (#20): `herald activate --offline-request` on a computer without internet, the response made
/// by the API, the install page or the console, `--offline-response` importing it; with real files in a temporary
/// folder and the real `herald` binary as the client (SQLite and PostgreSQL, for the server's side).
@Suite("Offline activation with request and response files", .serialized)
struct OfflineActivationTests {
    /// A folder on the computer without internet, where the client writes and reads its files.
    struct AirGappedComputer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-offline-\(UUID().uuidString)").path
        let fingerprint: String

        init(fingerprint: String = "fp-air-gapped-0001") throws {
            self.fingerprint = fingerprint
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        }

        func path(_ name: String) -> String { folder + "/" + name }

        func run(_ arguments: [String], language: String? = nil) throws -> HeraldProcess.Output {
            try HeraldProcess.run(arguments, environment: ["HOME": folder, "LANG": language ?? "C"], directory: folder)
        }

        /// `herald activate --offline-request request.json --code CODE`.
        func request(code: String) throws -> HeraldProcess.Output {
            try run(["activate", "--offline-request", "request.json", "--code", code, "--computer-name", "Lab PC 7", "--fingerprint", fingerprint])
        }

        /// `herald activate --offline-response FILE --public-key keys.json`, into `certificate.jwt`.
        func importResponse(_ file: String = "response.json") throws -> HeraldProcess.Output {
            try run(["activate", "--offline-response", file, "--offline-request", "request.json", "--public-key", "keys.json",
                     "--output", "certificate.jwt"])
        }

        func write(_ data: Data, to name: String) throws { try data.write(to: URL(fileURLWithPath: path(name))) }
        func read(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path(name))) }
        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }
        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    static func answer(_ app: Application, _ request: Data, language: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.contentType = .json
        if let language { headers.replaceOrAdd(name: .acceptLanguage, value: language) }
        return try await app.testing().sendRequest(.POST, "/api/v1/activations/offline", headers: headers, body: ByteBuffer(data: request))
    }

    /// The organization's JWK Set, saved on the computer as a product ships it.
    static func saveKeys(_ app: Application, organization: Organization, on computer: AirGappedComputer) async throws {
        let keys = try await app.testing().sendRequest(.GET, "/api/v1/organizations/\(try organization.requireID())/activation-keys")
        try computer.write(Data(keys.body.readableBytesView), to: "keys.json")
    }

    static func installations(_ app: Application, _ key: LicenseKey) async throws -> [Installation] {
        try await Installation.query(on: app.db).filter(\.$licenseKey.$id == (try key.requireID())).all()
    }

    @Test("request file, response from the API, import: the certificate names the machine's key; a replay takes no second seat")
    func roundTripAndReplay() async throws {
        try await withHerald { app in
            // given: one seat, two invitees; the first on a computer without internet
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 2)
            let computer = try AirGappedComputer()
            defer { computer.remove() }
            try await Self.saveKeys(app, organization: invited.organization, on: computer)

            // when: it writes its request; the API answers it, twice (a replay); the response is imported
            let requested = try computer.request(code: invited.codes[0])
            let request = try computer.read("request.json")
            let first = try await Self.answer(app, request)
            let replay = try await Self.answer(app, request)
            try computer.write(Data(first.body.readableBytesView), to: "response.json")
            let imported = try computer.importResponse()
            let other = try await LicenseFixtures.activate(app, code: invited.codes[1], fingerprint: "fp-other-0002")

            // then: the files, the key kept to its owner
            #expect(requested.status == 0, "\(requested.stderr)")
            let keyMode = try FileManager.default.attributesOfItem(atPath: computer.path("request.json.key"))[.posixPermissions] as? Int
            #expect(keyMode == 0o600)
            #expect(first.status == .created, "\(first.body.string)")
            #expect(first.headers.first(name: .contentDisposition)?.contains("activation-response.json") == true)
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(imported.stdout.contains("Activated offline: Herald Pro"), "\(imported.stdout)")
            #expect(computer.exists("certificate.jwt") && computer.exists("certificate.jwt.key"))
            // the certificate is the installation's, signed by the organization, bound to the request's key
            let signed = try SignedOfflineActivationRequest.verified(request)
            let keys = try await JWTKeyCollection().add(jwksJSON: String(decoding: try computer.read("keys.json"), as: UTF8.self))
            let token = String(decoding: try computer.read("certificate.jwt"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let certificate = try await keys.verify(token, as: ActivationCertificate.self)
            #expect(certificate.cnf?.jkt == signed.keyThumbprint)
            #expect(certificate.machine.fingerprint == computer.fingerprint && certificate.machine.computerName == "Lab PC 7")
            let installations = try await Self.installations(app, invited.key)
            #expect(installations.count == 1)
            #expect(installations.first?.certificate == token)
            let installationKey = String(decoding: try computer.read("certificate.jwt.key"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(app.herald.activation.installationKeys.verify(installationKey, for: try #require(installations.first?.id)))
            // the replay: the same answer, byte for byte, and the one seat still this computer's
            #expect(replay.status == .ok)
            #expect(replay.body.string == first.body.string)
            #expect(other.status == .unprocessableEntity, "\(other.body.string)")
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == .installationActivatedOffline).all()
            #expect(events.count == 2)
            #expect(events.contains { $0.details?.contains("answered again, same installation") == true })
        }
    }

    @Test("a certificate signed again (Herald's public URL changed) stays bound to the machine's key")
    func reissuedCertificateKeepsItsKey() async throws {
        try await withHerald { app in
            // given: a computer activated offline, its certificate kept as if issued under another address
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 1)
            let computer = try AirGappedComputer()
            defer { computer.remove() }
            #expect(try computer.request(code: invited.codes[0]).status == 0)
            let request = try computer.read("request.json")
            #expect(try await Self.answer(app, request).status == .created)
            let installation = try #require(try await Self.installations(app, invited.key).first)
            let issued = try #require(installation.certificate)
            installation.certificateIssuer = "https://old.example.com/"
            try await installation.save(on: app.db)

            // when: the same request comes again
            let again = try await Self.answer(app, request)

            // then: signed afresh under today's URL, which is the same address here: the very same certificate
            #expect(again.status == .ok)
            let file = try JSONDecoder().decode(OfflineActivationResponseFile.self, from: Data(again.body.readableBytesView))
            let claims = try #require(OfflineActivationKeys.decodeBase64URL(String(file.signed.split(separator: ".")[1])))
            let certificate = try #require(try JSONSerialization.jsonObject(with: claims) as? [String: Any])["certificate"] as? String
            #expect(certificate == issued)
            #expect(ActivationCertificates.boundKey(of: issued) == (try SignedOfflineActivationRequest.verified(request)).keyThumbprint)
        }
    }

    @Test("a response altered on the way, or made for another request, is refused and nothing is saved")
    func tamperedResponse() async throws {
        try await withHerald { app in
            // given: a real response to a real request
            let invited = try await LicenseFixtures.invite(app, seats: 2, people: 2)
            let computer = try AirGappedComputer(), neighbour = try AirGappedComputer(fingerprint: "fp-air-gapped-0002")
            defer { computer.remove(); neighbour.remove() }
            for machine in [computer, neighbour] { try await Self.saveKeys(app, organization: invited.organization, on: machine) }
            #expect(try computer.request(code: invited.codes[0]).status == 0)
            #expect(try neighbour.request(code: invited.codes[1]).status == 0)
            let response = try await Self.answer(app, try computer.read("request.json"))
            let file = try JSONDecoder().decode(OfflineActivationResponseFile.self, from: Data(response.body.readableBytesView))

            // when: its signed claims are edited (another installation key), keeping the signature
            let parts = file.signed.split(separator: ".").map(String.init)
            let claims = try #require(OfflineActivationKeys.decodeBase64URL(parts[1]))
            var object = try #require(try JSONSerialization.jsonObject(with: claims) as? [String: Any])
            object["installationKey"] = "c3RvbGVuLWtleS1zdG9sZW4ta2V5LXN0b2xlbi1rZXk"
            let edited = TokenGenerator.base64URL(Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])))
            var tampered = file
            tampered.signed = [parts[0], edited, parts[2]].joined(separator: ".")
            try computer.write(try JSONEncoder().encode(tampered), to: "tampered.json")
            let refused = try computer.importResponse("tampered.json")
            // and: the neighbour imports the computer's untouched response
            try neighbour.write(Data(response.body.readableBytesView), to: "response.json")
            let misdirected = try neighbour.importResponse()

            // then
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("INVALID: tampered.json was altered or not signed with these keys"), "\(refused.stderr)")
            #expect(misdirected.status == 1)
            #expect(misdirected.stderr.contains("answers another request than request.json"), "\(misdirected.stderr)")
            #expect(!computer.exists("certificate.jwt") && !neighbour.exists("certificate.jwt"))
        }
    }

    @Test("an expired code is refused as online, in the asker's language; nothing is taken")
    func expiredCode() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given: a code that expires tomorrow, and a request written today
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 1, expiresAt: clock.now.addingTimeInterval(86_400))
            let computer = try AirGappedComputer()
            defer { computer.remove() }
            #expect(try computer.request(code: invited.codes[0]).status == 0)

            // when: the request reaches Herald two days later
            clock.advance(by: 2 * 86_400)
            let offline = try await Self.answer(app, try computer.read("request.json"), language: "de")
            let online = try await LicenseFixtures.activate(app, code: invited.codes[0], fingerprint: computer.fingerprint, acceptLanguage: "de")

            // then: the same refusal as online, word for word
            #expect(offline.status == .gone)
            #expect(offline.headers.first(name: "Herald-Activation-Error") == "code-expired")
            let reason = try offline.content.decode(HeraldErrorMiddleware.APIErrorBody.self).reason
            #expect(reason == (try online.content.decode(HeraldErrorMiddleware.APIErrorBody.self).reason))
            #expect(reason.hasPrefix("code: ") && reason.contains("abgelaufen"), "\(reason)")
            #expect(try await Self.installations(app, invited.key).isEmpty)
        }
    }

    @Test("a request changed after it was signed, or signed by another key than it carries, is refused naming the signature")
    func requestSignatureMismatch() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 1)
            let computer = try AirGappedComputer()
            defer { computer.remove() }
            #expect(try computer.request(code: invited.codes[0]).status == 0)
            let decoder = JSONDecoder(), encoder = JSONEncoder()
            decoder.dateDecodingStrategy = .iso8601
            encoder.dateEncodingStrategy = .iso8601
            let original = try decoder.decode(SignedOfflineActivationRequest.self, from: try computer.read("request.json"))

            // when: another machine's fingerprint is put in; or another key's public half
            var moved = original
            moved.request.machine.fingerprint = "fp-someone-else-0009"
            var rekeyed = original
            rekeyed.request.publicKey = TokenGenerator.base64URL(Array(try EdDSA.PrivateKey(curve: .ed25519).publicKey.rawRepresentation))
            let refusedMoved = try await Self.answer(app, try encoder.encode(moved), language: "fr")
            let refusedRekeyed = try await Self.answer(app, try encoder.encode(rekeyed))
            let notARequest = try await Self.answer(app, Data(#"{"code":"X"}"#.utf8))

            // then
            for refused in [refusedMoved, refusedRekeyed] {
                #expect(refused.status == .badRequest)
                #expect(refused.headers.first(name: "Herald-Activation-Error") == "request-signature-mismatch")
            }
            #expect(try refusedMoved.content.decode(HeraldErrorMiddleware.APIErrorBody.self).reason
                    == "signature: " + app.herald.catalog.text("activation.offline.error.badSignature", .fr))
            #expect(try refusedRekeyed.content.decode(HeraldErrorMiddleware.APIErrorBody.self).reason.hasPrefix("signature: The request was changed"))
            #expect(notARequest.status == .badRequest)
            #expect(notARequest.headers.first(name: "Herald-Activation-Error") == "not-an-activation-request")
            #expect(try await Self.installations(app, invited.key).isEmpty)
        }
    }

    @Test("the invitee uploads the request on the install page and downloads the response; a bad file is named on the page")
    func installPageUpload() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 1, language: .de)
            let computer = try AirGappedComputer()
            defer { computer.remove() }
            #expect(try computer.request(code: invited.codes[0]).status == 0)
            let page = try #require(URL(string: invited.rows[0].downloadURL)).path
            var browser = BrowserSession(app)

            // when
            let shown = try await browser.get(page)
            let refused = try await browser.upload(page, file: "request", named: "request.json", contents: "not json", csrfFrom: page)
            let answered = try await browser.upload(page, file: "request", named: "request.json",
                                                    contents: String(decoding: try computer.read("request.json"), as: UTF8.self), csrfFrom: page)
            // and: the response was lost; the same request is uploaded again on the page, which now says "activated"
            let again = try await browser.upload(page, file: "request", named: "request.json",
                                                 contents: String(decoding: try computer.read("request.json"), as: UTF8.self), csrfFrom: page)
            try await Self.saveKeys(app, organization: invited.organization, on: computer)
            try computer.write(Data(again.body.readableBytesView), to: "response.json")
            let imported = try computer.importResponse()

            // then
            #expect(shown.body.string.contains(app.herald.catalog.text("install.offline.title", .de)))
            #expect(refused.status == .badRequest)
            #expect(refused.body.string.contains(app.herald.catalog.text("activation.offline.error.notARequest", .de)), "\(refused.body.string)")
            #expect(answered.status == .ok)
            #expect(again.status == .ok && again.body.string == answered.body.string)
            #expect(try await Self.installations(app, invited.key).count == 1)
            #expect(imported.status == 0, "\(imported.stderr)")
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == .installationActivatedOffline).all()
            #expect(events.map(\.details).first??.contains("uploaded on the install page") == true)
        }
    }

    @Test("an administrator uploads a request on the key's page; a code of another key is refused")
    func consoleUpload() async throws {
        try await withHerald { app in
            // given: two keys of the administrator's organization
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let organization = try #require(try await Organization.query(on: app.db).first())
            let invited = try await LicenseFixtures.invite(app, organization: organization, seats: 1, people: 1)
            let (_, otherKey) = try await LicenseFixtures.key(app, organization: organization, seats: 1)
            let computer = try AirGappedComputer()
            defer { computer.remove() }
            #expect(try computer.request(code: invited.codes[0]).status == 0)
            let request = String(decoding: try computer.read("request.json"), as: UTF8.self)
            let page = "/console/licenses/\(try invited.key.requireID())", otherPage = "/console/licenses/\(try otherKey.requireID())"

            // when
            let wrongKey = try await browser.upload(otherPage + "/offline-activation", file: "request", named: "request.json",
                                                    contents: request, csrfFrom: otherPage)
            let answered = try await browser.upload(page + "/offline-activation", file: "request", named: "request.json",
                                                    contents: request, csrfFrom: page)

            // then
            #expect(wrongKey.status == .badRequest)
            #expect(wrongKey.body.string.contains("code: This activation code belongs to another license key."), "\(wrongKey.body.string)")
            #expect(answered.status == .ok, "\(answered.body.string)")
            #expect(try JSONDecoder().decode(OfflineActivationResponseFile.self, from: Data(answered.body.readableBytesView)).format
                    == OfflineActivationResponseFile.currentFormat)
            #expect(try await Self.installations(app, invited.key).count == 1)
            let event = try await AuditEvent.query(on: app.db).filter(\.$action == .installationActivatedOffline).first()
            #expect(event?.actorLabel == "admin@example.com")
        }
    }
}

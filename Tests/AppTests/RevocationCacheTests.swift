@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// `herald activate --verify` keeps the last good signed revocation list beside the certificate and answers from it,
/// saying how old it is, when the list cannot be fetched (#20); a copy that does not verify is never used.
@Suite("The revocation list cached by the client", .serialized)
struct RevocationCacheTests {
    /// Where nothing listens: the list "cannot be fetched".
    static let unreachable = "http://127.0.0.1:1/revoked-certificates"

    struct Computer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-revocation-\(UUID().uuidString)").path

        init() throws { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false) }

        /// `herald activate --verify certificate.jwt --public-key keys.json --revocation-list LIST`.
        func verify(list: String) throws -> HeraldProcess.Output {
            try HeraldProcess.run(["activate", "--verify", "certificate.jwt", "--public-key", "keys.json", "--revocation-list", list],
                                  environment: ["HOME": folder], directory: folder)
        }

        func write(_ text: String, to name: String) throws { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        func read(_ name: String) throws -> String { try String(contentsOfFile: folder + "/" + name, encoding: .utf8) }
        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    static let cache = "certificate.jwt.revocation-list.json"

    static func get(_ app: Application, _ path: String) async throws -> String {
        let response = try await app.testing().sendRequest(.GET, path)
        #expect(response.status == .ok, "\(path): \(response.body.string)")
        return response.body.string
    }

    /// An activated computer of a new organization: its certificate and the organization's keys saved on it.
    static func activatedComputer(_ app: Application, now: Date) async throws -> (Computer, LicenseFixtures.Invited, UUID) {
        let invited = try await LicenseFixtures.invite(app, seats: 1, people: 1, expiresAt: now.addingTimeInterval(30 * 86_400))
        let activation = try await SeatLeaseTests.activated(app, code: invited.codes[0], fingerprint: "fp-cached-list-0001")
        let computer = try Computer()
        try computer.write(activation.certificate, to: "certificate.jwt")
        try computer.write(try await get(app, path(of: activation.publicKeyURL)), to: "keys.json")
        return (computer, invited, activation.installationID)
    }

    static func path(of url: String) -> String { URL(string: url)?.path ?? url }

    static func listPath(_ invited: LicenseFixtures.Invited) throws -> String {
        "/api/v1/organizations/\(try invited.organization.requireID())/revoked-certificates"
    }

    @Test("when the list cannot be fetched the cached copy answers and says its age; a newer list replaces it, an older one does not")
    func cachedListAnswers() async throws {
        let clock = ManualClock(Date().addingTimeInterval(-3 * 86_400 - 600))
        try await withHerald({ $0.clock = clock }) { app in
            // given: a list of three days ago, fetched once
            let (computer, invited, installationID) = try await Self.activatedComputer(app, now: clock.now)
            defer { computer.remove() }
            try computer.write(try await Self.get(app, try Self.listPath(invited)), to: "old-list.json")

            // when
            let fetched = try computer.verify(list: "old-list.json")
            let fromCache = try computer.verify(list: Self.unreachable)
            // and: the administrator deactivates the computer a day later; that list is fetched, then an older one
            clock.advance(by: 86_400)
            _ = try await InstallationActions.apply(.deactivate, installationID: installationID, keyID: try invited.key.requireID(),
                                                    actor: .commandLine, seatLock: app.herald.seatLock, on: app.db)
            try computer.write(try await Self.get(app, try Self.listPath(invited)), to: "new-list.json")
            let revoked = try computer.verify(list: "new-list.json")
            let replayedOld = try computer.verify(list: "old-list.json")
            let revokedFromCache = try computer.verify(list: Self.unreachable)

            // then
            #expect(fetched.status == 0, "\(fetched.stderr)")
            #expect(fromCache.status == 0, "\(fromCache.stderr)")
            #expect(fromCache.stdout.contains("VALID: Herald Pro"))
            #expect(fromCache.stdout.contains("(the cached copy in \(Self.cache), 3 days old; the current list could not be fetched: "
                                              + "--revocation-list: could not reach http://127.0.0.1:1"), "\(fromCache.stdout)")
            #expect(revoked.status == 1 && revoked.stderr.contains("REVOKED"), "\(revoked.stderr)")
            #expect(replayedOld.status == 0, "the older list itself does not name the certificate")
            #expect(revokedFromCache.status == 1, "\(revokedFromCache.stdout) \(revokedFromCache.stderr)")
            #expect(revokedFromCache.stderr.contains("REVOKED: certificate"), "\(revokedFromCache.stderr)")
            #expect(revokedFromCache.stderr.contains("the cached copy in \(Self.cache), 2 days old"), "\(revokedFromCache.stderr)")
        }
    }

    @Test("a cached copy edited on disk, or another organization's, is never used: the check stays open (exit 2)")
    func untrustedCacheRefused() async throws {
        try await withHerald { app in
            // given: a good list cached, and another organization whose keys this computer also trusts
            let (computer, invited, _) = try await Self.activatedComputer(app, now: Date())
            defer { computer.remove() }
            try computer.write(try await Self.get(app, try Self.listPath(invited)), to: "list.json")
            #expect(try computer.verify(list: "list.json").status == 0)
            let (other, _) = try await LicenseFixtures.key(app, seats: 1)
            let otherID = try other.requireID()
            let otherList = try await Self.get(app, "/api/v1/organizations/\(otherID)/revoked-certificates")
            let otherKeys = try await Self.get(app, "/api/v1/organizations/\(otherID)/activation-keys")
            let ownKeys = try computer.read("keys.json")
            let both = #"{"keys":["# + (try Self.keyObjects(ownKeys)) + "," + (try Self.keyObjects(otherKeys)) + "]}"
            try computer.write(both, to: "keys.json")

            // when: the cached list's signed claims are emptied, keeping the signature
            let cached = try computer.read(Self.cache)
            let signed = try #require(cached.firstMatch(of: /"signed":"([^"]+)"/)).1.split(separator: ".")
            let emptied = Data(#"{"revoked":[]}"#.utf8).base64EncodedString()
            try computer.write(#"{"signed":""# + "\(signed[0]).\(emptied).\(signed[2])" + #""}"#, to: Self.cache)
            let edited = try computer.verify(list: Self.unreachable)
            // and: another organization's good list is put in its place
            try computer.write(otherList, to: Self.cache)
            let foreign = try computer.verify(list: Self.unreachable)

            // then
            #expect(edited.status == 2, "\(edited.stdout) \(edited.stderr)")
            #expect(edited.stdout.contains("revocation NOT checked"))
            #expect(edited.stderr.contains("the cached copy in \(Self.cache) was not used: the revocation list's signature does not match"),
                    "\(edited.stderr)")
            #expect(foreign.status == 2, "\(foreign.stdout) \(foreign.stderr)")
            #expect(foreign.stderr.contains("was not used: the revocation list is another organization's"), "\(foreign.stderr)")
        }
    }

    /// The members of a JWK Set's `keys` array, as JSON text.
    static func keyObjects(_ jwks: String) throws -> String {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(jwks.utf8)) as? [String: Any])
        let keys = try #require(object["keys"] as? [Any])
        let array = String(decoding: try JSONSerialization.data(withJSONObject: keys), as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }
}

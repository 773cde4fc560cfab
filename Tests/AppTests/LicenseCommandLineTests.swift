import Foundation
import TestProcesses
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `herald license`, `herald invite install` and the `herald activate` reference client against a running server.
@Suite("herald license, invite install and activate", .serialized)
struct LicenseCommandLineTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-lic-\(UUID().uuidString)").path

    /// `herald serve` on a free port with its data in `folder` and an administrator of Acme; the caller stops it.
    private func serveWithAdministrator() async throws -> (server: ChildProcess, environment: [String: String], port: Int) {
        let port = try HeraldProcess.freePort()
        let environment = ["HERALD_DATA_DIR": folder, "HERALD_SECRET_KEY": String(repeating: "c", count: 40),
                           "HERALD_PUBLIC_URL": "http://127.0.0.1:\(port)"]
        let (server, _) = try await HeraldProcess.serve(environment: environment, port: port)
        do {
            _ = try HeraldProcess.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"],
                                      environment: environment, stdin: "Correct-Horse-42\n")
        } catch {
            server.terminate()
            server.waitUntilExit()
            throw error
        }
        return (server, environment, port)
    }

    @Test("a key, a CSV of invitations with an export, activation with an exported code, and an offline check")
    func endToEnd() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // given: a running server with an administrator
        let (server, environment, port) = try await serveWithAdministrator()
        defer { server.terminate(); server.waitUntilExit() }
        let csv = folder + "/people.csv", bad = folder + "/bad.csv", export = folder + "/invitations.csv"
        try "\u{FEFF}email\r\nann@example.com\r\nben@example.com\r\n".write(toFile: csv, atomically: true, encoding: .utf8)
        try "email\nann@example.com\nann@\nann@example.com\n".write(toFile: bad, atomically: true, encoding: .utf8)

        // when
        let badKey = try HeraldProcess.run(["license", "create", "--organization", "Acme", "--name", "K", "--product", "P", "--seats", "0"], environment: environment)
        let key = try HeraldProcess.run(["license", "create", "--organization", "Acme", "--name", "Design", "--product", "Herald Pro", "--seats", "1"], environment: environment)
        let refused = try HeraldProcess.run(["invite", "install", "--organization", "Acme", "--key", "Design", "--csv", bad], environment: environment)
        let invited = try HeraldProcess.run(["invite", "install", "--organization", "Acme", "--key", "Design", "--csv", csv,
                                             "--language", "fr", "--expires", "3d", "--export", export], environment: environment)
        let list = try HeraldProcess.run(["license", "list", "--organization", "Acme"], environment: environment)

        // then
        #expect(badKey.status != 0)
        #expect(badKey.stderr.contains("--seats: must be between 1"))
        #expect(key.status == 0, "\(key.stderr)")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("line 3: 'ann@' has no domain"))
        #expect(refused.stderr.contains("line 4: 'ann@example.com' is a duplicate of line 2"))
        #expect(invited.status == 0, "\(invited.stderr)")
        #expect(invited.stdout.contains("2 new invitations in Français"), "\(invited.stdout)")
        #expect(invited.stdout.contains("1 of 1 seats is free."))
        #expect((invited.stdout + invited.stderr).contains("1 person will not be able to activate"))
        #expect(list.stdout.contains("Design\tHerald Pro\t0/1"))
        let rows = try String(contentsOfFile: export, encoding: .utf8).split(separator: "\r\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(rows.count == 2)

        // when: the reference client activates with the first exported code, and checks the certificate offline
        let certificate = folder + "/cert.jwt"
        let activated = try HeraldProcess.run(["activate", "--server", "http://127.0.0.1:\(port)", "--code", rows[0][1], "--output", certificate],
                                              environment: environment)
        let second = try HeraldProcess.run(["activate", "--server", "http://127.0.0.1:\(port)", "--code", rows[1][1], "--output", folder + "/c2.jwt",
                                            "--fingerprint", "another-machine-0001"], environment: environment)
        let keysURL = try #require(activated.stdout.split(separator: " ").last.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) })
        let verified = try HeraldProcess.run(["activate", "--verify", certificate, "--public-key", keysURL], environment: environment)
        let (jwks, _) = try await URLSession.shared.data(from: try #require(URL(string: keysURL)))
        let tampered = String(decoding: jwks, as: UTF8.self).replacingOccurrences(of: "\"x\":\"", with: "\"x\":\"A")
        try tampered.write(toFile: folder + "/wrong-keys.json", atomically: true, encoding: .utf8)
        let rejected = try HeraldProcess.run(["activate", "--verify", certificate, "--public-key", folder + "/wrong-keys.json"], environment: environment)

        // then
        #expect(activated.status == 0, "\(activated.stderr)")
        #expect(second.status != 0)
        #expect(second.stderr.contains("activation refused (422): seats:"))
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(verified.stdout.contains("VALID: Herald Pro (Design)"))
        #expect(verified.stdout.contains("not revoked: checked against the revocation list of"))
        #expect(rejected.status != 0)
        #expect(!(try String(contentsOfFile: certificate, encoding: .utf8)).isEmpty)

        // when: the administrator deactivates the computer, then the server goes away
        let token = try HeraldProcess.run(["token", "create", "--organization", "Acme", "--name", "ci"], environment: environment)
        let bearer = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let serial = try #require(activated.stdout.components(separatedBy: "Certificate ").dropFirst().first?.split(separator: " ").first)
        try await deactivate(certificate: certificate, port: port, bearer: bearer)
        let revoked = try HeraldProcess.run(["activate", "--verify", certificate, "--public-key", keysURL], environment: environment)
        let savedKeys = folder + "/keys.json"
        try jwks.write(to: URL(fileURLWithPath: savedKeys))
        // A relayed copy with the deactivation taken out of its signed part no longer verifies.
        let listURL = try #require(URL(string: keysURL.replacingOccurrences(of: "activation-keys", with: "revoked-certificates")))
        let listJSON = String(decoding: try await URLSession.shared.data(from: listURL).0, as: UTF8.self)
        let signedMatch = try #require(listJSON.firstMatch(of: /"signed":"([^"]+)"/))
        let signedParts = signedMatch.1.split(separator: ".")
        let emptyClaims = Data(#"{"revoked":[]}"#.utf8).base64EncodedString()
        let emptied = #"{"signed":""# + "\(signedParts[0]).\(emptyClaims).\(signedParts[2])" + #""}"#
        try emptied.write(toFile: folder + "/tampered.json", atomically: true, encoding: .utf8)
        let tamperedList = try HeraldProcess.run(["activate", "--verify", certificate, "--public-key", savedKeys,
                                                  "--revocation-list", folder + "/tampered.json"], environment: environment)
        server.terminate()
        server.waitUntilExit()
        let offline = try HeraldProcess.run(["activate", "--verify", certificate, "--public-key", savedKeys], environment: environment)

        // With no list kept beside it (a copy of the certificate elsewhere), a list that cannot be fetched is "could not check".
        let copied = folder + "/copy.jwt"
        try FileManager.default.copyItem(atPath: certificate, toPath: copied)
        let unchecked = try HeraldProcess.run(["activate", "--verify", copied, "--public-key", savedKeys], environment: environment)

        // then: revoked is a no (1); a list that cannot be fetched is answered by the last good one kept beside the
        // certificate, with its age said, or is "could not check" (2); never a silent VALID
        #expect(revoked.status == 1, "\(revoked.stdout) \(revoked.stderr)")
        #expect(revoked.stderr.contains("REVOKED: certificate \(serial)"), "\(revoked.stderr)")
        #expect(!revoked.stdout.contains("VALID"))
        #expect(tamperedList.status == 2, "\(tamperedList.stdout) \(tamperedList.stderr)")
        #expect(tamperedList.stderr.contains("signature does not match"), "\(tamperedList.stderr)")
        #expect(offline.status == 1, "\(offline.stdout) \(offline.stderr)")
        #expect(offline.stderr.contains("REVOKED: certificate \(serial)"), "\(offline.stderr)")
        #expect(offline.stderr.contains("(the cached copy in \(certificate).revocation-list.json, "), "\(offline.stderr)")
        #expect(offline.stderr.contains(" old; the current list could not be fetched: --revocation-list: could not reach"), "\(offline.stderr)")
        #expect(unchecked.status == 2, "\(unchecked.stdout) \(unchecked.stderr)")
        #expect(unchecked.stdout.contains("signature valid, revocation NOT checked"))
        #expect(unchecked.stderr.contains("could not check whether the certificate was revoked: --revocation-list: could not reach"), "\(unchecked.stderr)")
    }

    @Test("herald license policy leases a key's seats; herald activate --heartbeat checks in and --deactivate frees the seat, within the key's limit")
    func leasesFromTheCommandLine() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // given: a running server with a key and one invitation
        let (server, environment, port) = try await serveWithAdministrator()
        defer { server.terminate(); server.waitUntilExit() }
        _ = try HeraldProcess.run(["license", "create", "--organization", "Acme", "--name", "Design", "--product", "Herald Pro", "--seats", "1"],
                                  environment: environment)
        let csv = folder + "/people.csv", export = folder + "/invitations.csv", certificate = folder + "/cert.jwt"
        try "email\nann@example.com\n".write(toFile: csv, atomically: true, encoding: .utf8)
        _ = try HeraldProcess.run(["invite", "install", "--organization", "Acme", "--key", "Design", "--csv", csv, "--export", export],
                                  environment: environment)
        let code = try #require(try String(contentsOfFile: export, encoding: .utf8).split(separator: "\r\n").dropFirst().first?
            .split(separator: ",").map(String.init).dropFirst().first)

        // when
        let badPolicy = try HeraldProcess.run(["license", "policy", "--organization", "Acme", "--name", "Design", "--seat-mode", "leased",
                                               "--lease-days", "0"], environment: environment)
        let policy = try HeraldProcess.run(["license", "policy", "--organization", "Acme", "--name", "Design", "--seat-mode", "leased",
                                            "--lease-days", "10", "--deactivations-per-month", "1"], environment: environment)
        let list = try HeraldProcess.run(["license", "list", "--organization", "Acme"], environment: environment)
        let activate = ["activate", "--server", "http://127.0.0.1:\(port)", "--code", code, "--output", certificate]
        let activated = try HeraldProcess.run(activate, environment: environment)
        let keyFileMode = try FileManager.default.attributesOfItem(atPath: certificate + ".key")[.posixPermissions] as? Int
        let heartbeat = try HeraldProcess.run(["activate", "--heartbeat", "--certificate", certificate], environment: environment)
        let deactivated = try HeraldProcess.run(["activate", "--deactivate", "--certificate", certificate], environment: environment)
        let afterwards = try HeraldProcess.run(["activate", "--heartbeat", "--certificate", certificate], environment: environment)
        let again = try HeraldProcess.run(activate, environment: environment)
        let juggling = try HeraldProcess.run(["activate", "--deactivate", "--certificate", certificate], environment: environment)

        // then
        #expect(badPolicy.status != 0)
        #expect(badPolicy.stderr.contains("--lease-days: must be between 1 and 365"), "\(badPolicy.stderr)")
        #expect(policy.status == 0, "\(policy.stderr)")
        #expect(policy.stdout.contains("leased, 10-day heartbeat window, 1 deactivations from the client per 30 days"))
        #expect(list.stdout.contains("leased (10 days)"))
        #expect(activated.status == 0, "\(activated.stderr)")
        #expect(keyFileMode == 0o600)
        #expect(heartbeat.status == 0, "\(heartbeat.stderr)")
        #expect(heartbeat.stdout.contains("Checked in; the seat is held until"), "\(heartbeat.stdout)")
        #expect(deactivated.status == 0, "\(deactivated.stderr)")
        #expect(deactivated.stdout.contains("Deactivated: this computer's seat is free."))
        #expect(afterwards.status != 0)
        #expect(afterwards.stderr.contains("check-in refused (410)"), "\(afterwards.stderr)")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(juggling.status != 0)
        #expect(juggling.stderr.contains("deactivation refused (429): installation: This computer was deactivated 1 time in the last 30 days"),
                "\(juggling.stderr)")
    }

    @Test("herald license create takes the seat policy with an overage; herald license policy refuses a bad overage naming --overage")
    func overageFromTheCommandLine() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // given
        let (server, environment, _) = try await serveWithAdministrator()
        defer { server.terminate(); server.waitUntilExit() }
        let create = ["license", "create", "--organization", "Acme", "--product", "Herald Pro", "--seats", "10"]

        // when
        let badCreate = try HeraldProcess.run(create + ["--name", "Bad", "--overage", "150"], environment: environment)
        let created = try HeraldProcess.run(create + ["--name", "Lab", "--seat-mode", "leased", "--lease-days", "5", "--overage", "20"],
                                            environment: environment)
        let refusals = try ["101", "ten", "99999999999999999999999", "2.5"].map {
            try HeraldProcess.run(["license", "policy", "--organization", "Acme", "--name", "Lab", "--overage", $0], environment: environment)
        }
        let list = try HeraldProcess.run(["license", "list", "--organization", "Acme"], environment: environment)

        // then
        #expect(badCreate.status != 0)
        #expect(badCreate.stderr.contains("--overage: must be between 0 and 100"), "\(badCreate.stderr)")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("leased, 5-day heartbeat window, 3 deactivations from the client per 30 days, 20 % overage"), "\(created.stdout)")
        for refused in refusals {
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("--overage: must be between 0 and 100"), "\(refused.stderr)")
        }
        #expect(list.stdout.contains("Lab\tHerald Pro\t0/10"))
        #expect(list.stdout.contains("leased (5 days), 20 % overage"), "\(list.stdout)")
        #expect(!list.stdout.contains("Bad\t"))
    }

    /// Deactivates the installation the certificate names (`sub`, `licenseKeyID`) through the API, as an
    /// administrator's script would.
    private func deactivate(certificate: String, port: Int, bearer: String) async throws {
        let jwt = try String(contentsOfFile: certificate, encoding: .utf8).split(separator: ".")
        var payload = String(jwt[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        let decoded = try #require(Data(base64Encoded: payload))
        let claims = try #require(try JSONSerialization.jsonObject(with: decoded) as? [String: Any])
        let keyID = try #require(claims["licenseKeyID"] as? String), installationID = try #require(claims["sub"] as? String)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/license-keys/\(keyID)/installations/\(installationID)/deactivate")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 204)
    }
}

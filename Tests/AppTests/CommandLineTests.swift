import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LiveServerSupport
import Testing

/// The `herald` binary itself: configuration errors, scripted set-up, and the CLI beside a running server.
@Suite("herald command line", .serialized)
struct CommandLineTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-cli-\(UUID().uuidString)").path

    var environment: [String: String] {
        ["HERALD_DATA_DIR": folder, "HERALD_SECRET_KEY": String(repeating: "c", count: 40), "HERALD_PUBLIC_URL": "http://127.0.0.1:1"]
    }

    @Test("bad configuration lists every problem and exits 78 without a crash")
    func badConfiguration() throws {
        let output = try HeraldProcess.run(["migrate", "--yes"], environment: ["DATABASE_URL": "mysql://x", "HERALD_SECRET_KEY": "short"])
        #expect(output.status == 78)
        #expect(output.stderr.contains("DATABASE_URL: 'mysql://x' must start with sqlite:// or postgres://"))
        #expect(output.stderr.contains("HERALD_SECRET_KEY: must be at least 32 characters"))
    }

    @Test("admin create and token create work while herald serve runs on the same SQLite file")
    func scriptedSetupBesideServe() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // given: a fresh server, which prints its first-run link
        let port = try HeraldProcess.freePort()
        var serveEnvironment = environment
        serveEnvironment["HERALD_PUBLIC_URL"] = "http://127.0.0.1:\(port)"
        let (server, output) = try await HeraldProcess.serve(environment: serveEnvironment, port: port)
        defer { server.terminate(); server.waitUntilExit() }

        // when: the CLI creates an administrator and a token on the same database
        let weak = try HeraldProcess.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], environment: environment, stdin: "short\n")
        let created = try HeraldProcess.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], environment: environment, stdin: "Correct-Horse-42\n")
        let duplicate = try HeraldProcess.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], environment: environment, stdin: "Correct-Horse-42\n")
        let token = try HeraldProcess.run(["token", "create", "--organization", "Acme", "--name", "ci"], environment: environment)
        let unknownOrganization = try HeraldProcess.run(["token", "create", "--organization", "Nope", "--name", "ci"], environment: environment)
        let unknownScope = try HeraldProcess.run(["token", "create", "--organization", "Acme", "--name", "ci", "--scope", "root"], environment: environment)
        let listed = try HeraldProcess.run(["token", "list", "--organization", "Acme"], environment: environment)

        // then
        #expect(weak.status == 1)
        #expect(weak.stderr.contains("--password-stdin: "))
        #expect(created.status == 0, "\(created.stderr)")
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("already exists"))
        #expect(token.status == 0, "\(token.stderr)")
        #expect(unknownOrganization.stderr.contains("--organization: no organization named 'Nope'"))
        #expect(unknownScope.status == 1)
        #expect(unknownScope.stderr.contains("--scope: must be standard or administration"), "\(unknownScope.stderr)")
        #expect(listed.stdout.hasPrefix("ci\tactive\tstandard\t"), "\(listed.stdout)")
        let bearer = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/organization")!)
        request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization")
        let (body, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self).contains("\"name\":\"Acme\""))

        server.terminate()
        server.waitUntilExit()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed.contains("http://127.0.0.1:\(port)/setup/"))
    }

    @Test("herald invite join reads a CSV and prints one result per line")
    func inviteJoinFromCSV() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // given
        let created = try HeraldProcess.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], environment: environment, stdin: "Correct-Horse-42\n")
        #expect(created.status == 0, "\(created.stderr)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let csv = folder + "/people.csv"
        try "\u{FEFF}email\r\nana@example.com\r\nnot-an-address\r\nops@example.com\r\nANA@example.com\r\n".write(toFile: csv, atomically: true, encoding: .utf8)
        // when
        let output = try HeraldProcess.run(["invite", "join", "--organization", "Acme", "--csv", csv, "--language", "de"], environment: environment)
        let badLanguage = try HeraldProcess.run(["invite", "join", "--organization", "Acme", "--email", "x@example.com", "--language", "xx"], environment: environment)
        // then
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("line 2\tana@example.com\tinvited"))
        #expect(lines.contains { $0.hasPrefix("line 3\t\tinvalid") })
        #expect(lines.contains("line 4\tops@example.com\talready_member"))
        #expect(lines.contains { $0.hasPrefix("line 5\t\tduplicate") })
        #expect(lines.last == "1 invited, 3 not")
        #expect(badLanguage.status == 1)
        #expect(badLanguage.stderr.contains("--language: 'xx' is not one of en, de, fr, es, it, ja, zh-Hans"))
    }

    @Test("directory import, invite client and deliver from the command line end in .eml files with the chosen mode")
    func clientInvitationsFromTheCommandLine() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // given
        let setup = try HeraldProcess.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], environment: environment, stdin: "Correct-Horse-42\n")
        #expect(setup.status == 0, "\(setup.stderr)")
        let mail = try HeraldProcess.run(["mail", "set", "--organization", "Acme", "--transport", "file", "--sender", "it@example.com"], environment: environment)
        #expect(mail.status == 0, "\(mail.stderr)")
        let csv = folder + "/users.csv"
        try "name,email,groups\nAna Ruiz,ana@example.com,Staff\nBo Chen,bo@example.com,Staff;Remote\n".write(toFile: csv, atomically: true, encoding: .utf8)
        // when
        let imported = try HeraldProcess.run(["directory", "import", "--organization", "Acme", "--csv", csv], environment: environment)
        let invalid = try HeraldProcess.run(["invite", "client", "--organization", "Acme", "--groups", "Staff", "--devices", "windows",
                                             "--server", "bad host!", "--mode", "direct"], environment: environment)
        let invited = try HeraldProcess.run(["invite", "client", "--organization", "Acme", "--groups", "Staff", "--devices", "windows,macos",
                                             "--server", "gw.example.com", "--port", "8443", "--mode", "direct"], environment: environment)
        let delivered = try HeraldProcess.run(["deliver", "--until-empty"], environment: environment)
        // then
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("--server"))
        #expect(invited.status == 0, "\(invited.stderr)")
        #expect(invited.stdout.contains("2 invitations queued"))
        #expect(delivered.stdout.hasPrefix("sent 2, deferred 0, failed 0"), "\(delivered.stdout) \(delivered.stderr)")
        let spool = folder + "/outbox"
        let files = try FileManager.default.contentsOfDirectory(atPath: spool)
        #expect(files.count == 2)
        let eml = try String(contentsOfFile: spool + "/" + files[0], encoding: .utf8).replacingOccurrences(of: "=\r\n", with: "")
        #expect(eml.contains("ConnMode=3D1") || eml.contains("ConnMode=1"))
        #expect(eml.contains("gw.example.com"))
    }

    @Test("mail test reports each address on its own line: sent with the server's reply, invalid with the reason")
    func mailTestReportsEachAddress() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // given: the plain aiosmtpd test server
        let servers = try LiveServers.fromEnvironment()
        var environment = environment
        environment["HERALD_SMTP_ALLOWED_HOSTS"] = "127.0.0.1"
        let setup = try HeraldProcess.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], environment: environment, stdin: "Correct-Horse-42\n")
        #expect(setup.status == 0, "\(setup.stderr)")
        let mail = try HeraldProcess.run(["mail", "set", "--organization", "Acme", "--server", "127.0.0.1:\(servers.plainPort)", "--sender", "it@example.com",
                                          "--tls", "none"], environment: environment)
        #expect(mail.status == 0, "\(mail.stderr)")
        let to = "cli-\(UUID().uuidString.prefix(8))@example.test"
        // when
        let test = try HeraldProcess.run(["mail", "test", "--organization", "Acme", "--to", "\(to); not-an-address"], environment: environment)
        // then
        let lines = test.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(test.stdout)\(test.stderr)")
        #expect(lines.first?.hasPrefix("\(to)\tsent\t250") == true, "\(lines)")
        #expect(lines.last == "not-an-address\tinvalid\t'not-an-address' has no '@'", "\(lines)")
        #expect(test.status != 0)
        #expect(try servers.received(by: to).count == 1)
    }
}

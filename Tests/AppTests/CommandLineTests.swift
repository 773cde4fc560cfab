import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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
        let (server, output) = try HeraldProcess.serve(environment: serveEnvironment, port: port)
        defer { server.terminate(); server.waitUntilExit() }
        try await waitForHealth(port: port)

        // when: the CLI creates an administrator and a token on the same database
        let weak = try HeraldProcess.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], environment: environment, stdin: "short\n")
        let created = try HeraldProcess.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], environment: environment, stdin: "Correct-Horse-42\n")
        let duplicate = try HeraldProcess.run(["admin", "create", "--email", "ops@example.com", "--organization", "Acme", "--password-stdin"], environment: environment, stdin: "Correct-Horse-42\n")
        let token = try HeraldProcess.run(["token", "create", "--organization", "Acme", "--name", "ci"], environment: environment)
        let unknownOrganization = try HeraldProcess.run(["token", "create", "--organization", "Nope", "--name", "ci"], environment: environment)

        // then
        #expect(weak.status == 1)
        #expect(weak.stderr.contains("--password: "))
        #expect(created.status == 0, "\(created.stderr)")
        #expect(duplicate.status == 1)
        #expect(duplicate.stderr.contains("already exists"))
        #expect(token.status == 0, "\(token.stderr)")
        #expect(unknownOrganization.stderr.contains("--organization: no organization named 'Nope'"))
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

    private func waitForHealth(port: Int) async throws {
        let url = URL(string: "http://127.0.0.1:\(port)/healthz")!
        for _ in 0..<150 {
            if let (_, response) = try? await URLSession.shared.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestSetupError("herald serve did not answer /healthz within 30 seconds")
    }
}

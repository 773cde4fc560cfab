@testable import App
import Foundation
import LiveServerSupport
import Testing

/// PostgreSQL restarted under a running `herald serve`: requests fail cleanly (503 with a JSON reason) while it is
/// down and succeed again once it is back, without restarting Herald. Uses the second, restartable cluster that
/// ./scripts/test starts, never the one other tests share.
@Suite("PostgreSQL restart under a running server", .enabled(if: TestDatabase.isPostgres, "runs in the PostgreSQL pass"))
struct DatabaseRestartTests {
    @Test("while PostgreSQL is down requests get 503 with a reason; afterwards the same process serves and delivers again")
    func restartWhileServing() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let url = environment["HERALD_TEST_RESTARTABLE_POSTGRES_URL"], let ctl = environment["HERALD_TEST_RESTARTABLE_POSTGRES_CTL"] else {
            throw TestSetupError("HERALD_TEST_RESTARTABLE_POSTGRES_URL is not set: run the suite through ./scripts/test")
        }
        let server = try FaultSMTPServer.fromEnvironment()
        let deployment = try HeraldDeployment(postgres: true, postgresURL: url)
        defer {
            _ = try? Self.control(ctl, "start")
            deployment.tearDown()
        }
        let token = try deployment.organization(smtpPort: try server.port("accept"))
        let herald = try await deployment.serve()
        #expect(try await herald.request("GET", "/api/v1/organization", token: token).0 == 200)

        // when the database goes away
        try Self.control(ctl, "stop")
        let started = ContinuousClock.now
        let (apiStatus, apiBody) = try await herald.request("GET", "/api/v1/organization", token: token)
        let (healthStatus, _) = try await herald.request("GET", "/healthz")
        let (inviteStatus, _) = try await herald.request("POST", "/api/v1/invitations/join", token: token, json: ["emails": ["down@example.com"]])

        // then it fails cleanly and quickly
        #expect(apiStatus == 503, "\(String(decoding: apiBody, as: UTF8.self))")
        #expect(String(decoding: apiBody, as: UTF8.self).contains("the database is unavailable"))
        #expect(healthStatus == 503)
        #expect(inviteStatus == 503)
        #expect(ContinuousClock.now - started < .seconds(30), "no request hangs while the database is down")

        // when it comes back, the same process recovers
        try Self.control(ctl, "start")
        try await poll("the API answers again") { try await herald.request("GET", "/api/v1/organization", token: token).0 == 200 }
        let prefix = "restart-\(UUID().uuidString.prefix(8).lowercased())"
        let (created, body) = try await herald.request("POST", "/api/v1/invitations/join", token: token, json: ["emails": ["\(prefix)-0@example.com"]])
        #expect(created == 201, "\(String(decoding: body, as: UTF8.self))")
        try await poll("the invitation delivered by the same worker") { try server.acceptedCounts(recipientPrefix: prefix).count == 1 }
        #expect(herald.process.isRunning)
        #expect(!herald.logTail().contains("Fatal error"))
    }

    /// Runs the cluster's ctl script with posix_spawn and waitpid: Foundation's Process never saw `ctl start` exit
    /// here (the script leaves a daemon behind, and waitUntilExit hung with the script a zombie).
    static func control(_ ctl: String, _ command: String) throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(ctl), strdup(command), nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        guard posix_spawn(&pid, ctl, &actions, nil, argv, environ) == 0 else { throw TestSetupError("cannot run \(ctl)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw TestSetupError("\(ctl) \(command) failed (status \(status))") }
    }
}

@testable import App
import Fluent
import Foundation
import TestProcesses
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LiveServerSupport
import Vapor

/// Herald run as an operator runs it: one database, `herald` commands, and `herald serve` processes that a test may
/// start, kill -9 and start again. On PostgreSQL each deployment gets its own database (not a schema), because
/// several processes share it through DATABASE_URL.
final class HeraldDeployment: @unchecked Sendable {
    let folder: String
    let databaseURL: String
    let isPostgres: Bool
    private let administrativeURL: String?
    private let lock = NSLock()
    /// Guarded by `lock`: tests start instances concurrently.
    private var started: [HeraldInstance] = []

    var environment: [String: String] {
        ["HERALD_DATA_DIR": folder, "DATABASE_URL": databaseURL, "HERALD_SECRET_KEY": String(repeating: "d", count: 40),
         "HERALD_PUBLIC_URL": "http://herald.test", "LOG_LEVEL": "warning",
         "HERALD_SMTP_ALLOWED_HOSTS": "*", "HERALD_LDAP_ALLOWED_HOSTS": "*", "HERALD_POP3_ALLOWED_HOSTS": "*"]
    }

    /// A fresh, migrated deployment on the database the test pass uses (or on `postgresURL` when given).
    init(postgres: Bool = TestDatabase.isPostgres, postgresURL: String? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-deploy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        isPostgres = postgres
        if postgres {
            let server = try postgresURL ?? TestDatabase.postgresURL
            let name = "deploy_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            try Self.psql(server, "CREATE DATABASE \(name)")
            administrativeURL = server
            databaseURL = server.replacingOccurrences(of: #"/[^/]*$"#, with: "/\(name)", options: .regularExpression)
        } else {
            administrativeURL = nil
            databaseURL = "sqlite://\(folder)/herald.sqlite"
        }
        try run(["migrate", "--yes"])
    }

    /// Runs a `herald` command; throws with its stderr when it fails.
    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil, extra: [String: String] = [:]) throws -> String {
        let output = try HeraldProcess.run(arguments, environment: environment.merging(extra) { $1 }, stdin: stdin)
        guard output.status == 0 else {
            throw TestSetupError("herald \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr)")
        }
        return output.stdout
    }

    /// An organization with an administrator, SMTP settings pointing at `smtpPort` (no TLS), and an API token.
    func organization(name: String = "Acme", smtpPort: Int) throws -> String {
        try run(["admin", "create", "--email", "ops@example.com", "--organization", name, "--password-stdin"], stdin: "Correct-Horse-42-Staple\n")
        try run(["mail", "set", "--organization", name, "--server", "127.0.0.1:\(smtpPort)", "--sender", "it@example.com", "--tls", "none"])
        return try run(["token", "create", "--organization", name, "--name", "tests", "--scope", "administration"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts `herald serve` on a free port and waits for `/healthz`.
    func serve(_ extra: [String: String] = [:]) async throws -> HeraldInstance {
        let port = try HeraldProcess.freePort()
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: try HeraldProcess.binary)
        process.arguments = ["serve", "--hostname", "127.0.0.1", "--port", String(port)]
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory()].merging(environment) { $1 }.merging(extra) { $1 }
        // The server's log goes to a file in the deployment folder: a failing test can print it.
        let log = folder + "/serve-\(port).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = process.standardOutput
        try process.run()
        let instance = HeraldInstance(process: process, port: port, log: log)
        lock.withLock { started.append(instance) }
        try await instance.waitUntilHealthy()
        return instance
    }

    /// Reads (or changes) the deployment's database from the test, with no worker running in this process.
    func withDatabase<T>(_ body: (any Database) async throws -> T) async throws -> T {
        var configuration = Configuration(
            database: isPostgres ? .postgres(url: databaseURL) : .sqlite(path: folder + "/herald.sqlite"),
            dataDirectory: folder, publicURL: URL(string: "http://herald.test")!, secretKey: String(repeating: "d", count: 40),
            runMigrationsOnStart: false, runDeliveryWorker: false)
        configuration.passwordHashCost = 4
        let app = try await Application.make(.testing)
        do {
            try await configure(app, configuration: configuration)
            let result = try await body(app.db)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    func tearDown() {
        for instance in lock.withLock({ started }) { instance.kill(signal: SIGKILL) }
        if let administrativeURL, let name = databaseURL.split(separator: "/").last {
            try? Self.psql(administrativeURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    static func psql(_ url: String, _ sql: String) throws {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin/psql")
        process.arguments = [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestSetupError("psql failed: \(sql)") }
    }
}

/// One `herald serve` process.
final class HeraldInstance: @unchecked Sendable {
    let process: ChildProcess
    let port: Int
    let log: String

    init(process: ChildProcess, port: Int, log: String) {
        self.process = process
        self.port = port
        self.log = log
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func kill(signal: Int32) {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    func waitUntilHealthy() async throws {
        try await LiveServerSupport.waitUntilHealthy(baseURL: baseURL, isRunning: { process.isRunning }, describe: logTail)
    }

    /// Sends a request; returns the status and the body.
    func request(_ method: String, _ path: String, token: String? = nil, json: Any? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        request.timeoutInterval = 60
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
        }
        let (body, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, body)
    }

    func logTail() -> String {
        String((try? String(contentsOfFile: log, encoding: .utf8))?.suffix(3000) ?? "")
    }
}

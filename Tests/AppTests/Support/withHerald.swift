@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Which database the App tests run on: SQLite unless `./scripts/test` asks for its PostgreSQL pass.
enum TestDatabase {
    static var isPostgres: Bool { ProcessInfo.processInfo.environment["HERALD_TEST_DATABASE"] == "postgres" }

    static var postgresURL: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["HERALD_TEST_POSTGRES_URL"] else {
                throw TestSetupError("HERALD_TEST_POSTGRES_URL is not set: run the suite through ./scripts/test, which starts PostgreSQL")
            }
            return url
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A migrated Herald on a fresh database (an SQLite file, or its own PostgreSQL schema), always shut down.
func withHerald<T>(
    _ adjust: (inout Configuration) -> Void = { _ in },
    _ test: (Application) async throws -> T
) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-test-\(UUID().uuidString)").path
    var configuration = Configuration(
        database: .sqlite(path: folder + "/herald.sqlite"), dataDirectory: folder,
        publicURL: URL(string: "https://herald.test")!, secretKey: String(repeating: "s", count: 40),
        runMigrationsOnStart: false, runDeliveryWorker: false
    )
    configuration.passwordHashCost = 4
    configuration.databasePoolTimeout = 120
    // The test SMTP servers listen on random loopback ports.
    configuration.smtpServers = .anyServer
    configuration.ldapServers = .anyServer
    configuration.pop3Servers = .anyServer
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    if TestDatabase.isPostgres {
        configuration.database = .postgres(url: try TestDatabase.postgresURL)
        configuration.postgresSchema = schema
    }
    adjust(&configuration)

    let app = try await Application.make(.testing)
    do {
        try await configure(app, configuration: configuration)
        if TestDatabase.isPostgres {
            try await app.db.sql.raw("CREATE SCHEMA \(ident: schema)").run()
        }
        try await app.autoMigrate()
        let result = try await test(app)
        try await tearDown(app, folder: folder, schema: schema)
        return result
    } catch {
        try? await tearDown(app, folder: folder, schema: schema)
        throw error
    }
}

private func tearDown(_ app: Application, folder: String, schema: String) async throws {
    if TestDatabase.isPostgres {
        try? await app.db.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
    }
    try await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: folder)
}

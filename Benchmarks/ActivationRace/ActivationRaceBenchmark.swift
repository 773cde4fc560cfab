import App
import BenchmarkSupport
import Fluent
import Foundation
import MIME
import SQLKit
import Vapor

/// Starts the HTTP server on `port`, invites `attempts` people to a key with `seats` seats, then fires every
/// activation at once over real connections and counts the answers.
enum ActivationRaceBenchmark {
    struct Result: Sendable {
        let seconds: Double
        let statuses: [UInt: Int]
    }

    static func run(app: Application, port: Int, seats: Int, attempts: Int) async throws -> Result {
        try await app.autoMigrate()
        let (organizationID, key) = try await organizationWithKey(app, seats: seats)
        let recipients = try (0..<attempts).map { try EmailAddress("racer\($0)@example.com") }
        let batch = try await InstallInvitationBatch.send(.init(
            keyID: try key.requireID(), recipients: recipients, language: .en, expiresAt: Date().addingTimeInterval(86_400), inviterID: nil, actor: .system
        ), mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets, turns: app.herald.installInvitationTurns, on: app.db)
        let codes = try await InstallInvitationExport.rows(batchID: batch.batchID, organizationID: organizationID, limit: attempts,
                                                           secrets: app.herald.installInvitationSecrets, on: app.db).map(\.activationCode)
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = port
        try await app.server.start()
        // Enough connections that the requests really race on the server rather than queue in the client.
        app.http.client.configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        // A request waits for one of those connections at most the connect timeout (10 s by default); on a slow
        // run the last of 2,000 waited longer and the client gave up, which is not the server's answer.
        app.http.client.configuration.timeout = .init(connect: .seconds(120), read: .seconds(120))
        let start = Date()
        let statuses = try await race(codes, client: app.client, url: URI(string: "http://127.0.0.1:\(port)/api/v1/activations"))
        let seconds = Date().timeIntervalSince(start)
        await app.server.shutdown()
        let active = try await Installation.query(on: app.db).filter(\.$status == .active).count()
        guard active == (statuses[201] ?? 0) else { throw BenchmarkFailure("race: \(active) installations but \(statuses[201] ?? 0) successes") }
        return Result(seconds: seconds, statuses: statuses)
    }

    private static func race(_ codes: [String], client: any Client, url: URI) async throws -> [UInt: Int] {
        try await withThrowingTaskGroup(of: UInt.self) { group in
            for (index, code) in codes.enumerated() {
                group.addTask {
                    let body = #"{"code":"\#(code)","fingerprint":"bench-machine-\#(index)","computerName":"PC \#(index)","operatingSystem":"Linux"}"#
                    let response = try await client.post(url, headers: ["Content-Type": "application/json"]) {
                        $0.body = ByteBuffer(string: body)
                    }
                    return response.status.code
                }
            }
            return try await group.reduce(into: [UInt: Int]()) { $0[$1, default: 0] += 1 }
        }
    }

    static func createSchema(_ schema: String, app: Application) async throws {
        try await app.db.sql.raw("CREATE SCHEMA \(ident: schema)").run()
    }

    static func dropSchema(_ schema: String, app: Application) async throws {
        try await app.db.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
    }
}

import Fluent
import Foundation
import HeraldCore
import MIME
import NIOCore
import SQLKit
import Vapor

/// The licensing paths, driven by `Benchmarks/bulk-invite` and `Benchmarks/activation-race`. Public only for them.
public enum LicensingBenchmarks {
    /// Reads a single-column CSV and either makes real install invitations (codes, links, queued emails) or, as the
    /// reference, only inserts one plain invitation row per address. Returns the seconds the work took.
    public static func bulkInvite(app: Application, csvPath: String, reference: Bool) async throws -> (seconds: Double, rows: Int) {
        try await app.autoMigrate()
        let (organization, key) = try await organizationWithKey(app, seats: 100)
        let start = Date()
        let addresses = try addresses(csvPath)
        if reference {
            let expires = Date().addingTimeInterval(7 * 86_400)
            // The same multi-row INSERT path as the real batch, so the ratio measures codes, links and emails.
            try await app.db.transaction { db in
                for chunk in addresses.chunked(InstallInvitationBatch.chunkSize) {
                    let rows = try chunk.map { address in
                        let invitation = Invitation()
                        invitation.id = UUID()
                        invitation.$organization.id = try organization.requireID()
                        invitation.kind = .install
                        invitation.email = address.description
                        invitation.language = "en"
                        invitation.status = .pending
                        invitation.expiresAt = expires
                        return invitation
                    }
                    try await BulkInsert.invitations(rows, on: db, now: Date())
                }
            }
        } else {
            _ = try await InstallInvitationBatch.send(.init(
                keyID: try key.requireID(), recipients: addresses, language: .en, expiresAt: Date().addingTimeInterval(7 * 86_400),
                inviterID: nil, actor: .system
            ), mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets,
           turns: app.herald.installInvitationTurns, on: app.db)
        }
        return (Date().timeIntervalSince(start), addresses.count)
    }

    /// Only the addresses outlive parsing: the line numbers and the duplicate check's set are freed before sending.
    private static func addresses(_ csvPath: String) throws -> [EmailAddress] {
        let list = RecipientListParser().parseCSV(fileAtPath: csvPath)
        guard list.errors.isEmpty else { throw ValidationProblems(list.errors.map(\.description)) }
        return list.addresses
    }

    public struct RaceResult: Sendable {
        public let seconds: Double
        public let statuses: [UInt: Int]
    }

    /// Starts the HTTP server on `port`, invites `attempts` people to a key with `seats` seats, then fires every
    /// activation at once over real connections and counts the answers.
    public static func activationRace(app: Application, port: Int, seats: Int, attempts: Int) async throws -> RaceResult {
        try await app.autoMigrate()
        let (_, key) = try await organizationWithKey(app, seats: seats)
        let recipients = try (0..<attempts).map { try EmailAddress("racer\($0)@example.com") }
        let batch = try await InstallInvitationBatch.send(.init(
            keyID: try key.requireID(), recipients: recipients, language: .en, expiresAt: Date().addingTimeInterval(86_400), inviterID: nil, actor: .system
        ), mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets,
           turns: app.herald.installInvitationTurns, on: app.db)
        let codes = try await InstallInvitationExport.rows(batchID: batch.batchID, organizationID: key.$organization.id,
                                                           limit: attempts, secrets: app.herald.installInvitationSecrets, on: app.db).map(\.activationCode)
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = port
        try await app.server.start()
        // Enough connections that the requests really race on the server rather than queue in the client.
        app.http.client.configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        let client = app.client
        let url = URI(string: "http://127.0.0.1:\(port)/api/v1/activations")
        let start = Date()
        let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
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
        let seconds = Date().timeIntervalSince(start)
        await app.server.shutdown()
        let active = try await Installation.query(on: app.db).filter(\.$status == .active).count()
        guard active == (statuses[201] ?? 0) else { throw ValidationProblems(["race: \(active) installations but \(statuses[201] ?? 0) successes"]) }
        return RaceResult(seconds: seconds, statuses: statuses)
    }

    public static func createSchema(_ schema: String, app: Application) async throws {
        try await app.db.sql.raw("CREATE SCHEMA \(ident: schema)").run()
    }

    public static func dropSchema(_ schema: String, app: Application) async throws {
        try await app.db.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
    }

    private static func organizationWithKey(_ app: Application, seats: Int) async throws -> (Organization, LicenseKey) {
        let organization = Organization(name: "Benchmark")
        try await organization.create(on: app.db)
        let input = try LicenseKeyInput(name: "Bench key", product: "Bench Pro", seats: seats).validate().get()
        let key = try await LicenseKeyStore.create(input, organizationID: try organization.requireID(), actor: .system, secretBox: app.herald.secretBox, on: app.db)
        return (organization, key)
    }
}

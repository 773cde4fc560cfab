@testable import App
import Fluent
import Foundation
import MIME
import Testing
import Vapor
import VaporTesting

/// Bulk writes (join and install invitations to thousands of people) are written in slices, each its own
/// transaction, and on SQLite every transaction takes its turn in one queue (`WriteQueue`): another organization's
/// write started while a bulk write runs is answered before the bulk write ends, not after it. (On PostgreSQL
/// writes of different organizations never waited for each other; the test holds there too.)
@Suite("writers take turns")
struct WriterTurnsTests {
    @Test("a neighbour's write during 3,000 join invitations is answered before the invitations are all written")
    func duringJoinInvitations() async throws {
        try await withHerald { app in
            let importer = try await ConcurrentWritesTests.tenant(app, "Bulk")
            let neighbour = try await ConcurrentWritesTests.tenant(app, "Neighbour")
            let emails = (1...3_000).map { "\"bulk\($0)@example.com\"" }.joined(separator: ",")
            try await Self.neighbourFinishesFirst(app, neighbour) {
                let response = try await DirectoryImportJobTests.send(app, .POST, "/api/v1/invitations/join", token: importer.token,
                                                                      body: #"{"emails":[\#(emails)]}"#)
                #expect(response.status == .created, "\(response.body.string.prefix(300))")
            }
            #expect(try await Invitation.query(on: app.db).filter(\.$organization.$id == importer.organizationID).count() == 3_000)
        }
    }

    @Test("a neighbour's write during 5,000 install invitations is answered before the invitations are all written")
    func duringInstallInvitations() async throws {
        try await withHerald { app in
            let neighbour = try await ConcurrentWritesTests.tenant(app, "Neighbour")
            let (_, key) = try await LicenseFixtures.key(app, seats: 10_000)
            let recipients = try (1...5_000).map { try EmailAddress("install\($0)@example.com") }
            try await Self.neighbourFinishesFirst(app, neighbour) {
                _ = try await InstallInvitationBatch.send(.init(keyID: try key.requireID(), recipients: recipients, language: .en,
                                                                expiresAt: Date().addingTimeInterval(86_400), inviterID: nil, actor: .commandLine),
                                                          mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets,
                                                          turns: app.herald.installInvitationTurns, on: app.db)
            }
            #expect(try await Invitation.query(on: app.db).filter(\.$kind == "install").count() == 5_000)
        }
    }

    /// Runs `bulk`, and once it has had time to start writing, one write of the neighbour: the neighbour must be
    /// answered (201) while the bulk write is still running.
    static func neighbourFinishesFirst(_ app: Application, _ neighbour: ConcurrentWritesTests.Tenant,
                                       _ bulk: @escaping @Sendable () async throws -> Void) async throws {
        let bulkTask = Task { try await bulk(); return Date() }
        try await Task.sleep(for: .milliseconds(700))
        let response = try await DirectoryImportJobTests.send(app, .POST, "/api/v1/directory/users", token: neighbour.token,
                                                              body: #"{"name":"Nell","email":"nell@example.com"}"#)
        let neighbourDone = Date()
        let bulkDone = try await bulkTask.value
        #expect(response.status == .created, "\(response.body.string.prefix(300))")
        #expect(neighbourDone < bulkDone, "the neighbour's write waited for the whole bulk write (\(bulkDone.timeIntervalSince(neighbourDone)) s)")
    }
}

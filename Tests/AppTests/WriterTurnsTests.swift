@testable import App
import Fluent
import Foundation
import MIME
import Synchronization
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
            try await Self.neighbourFinishesFirst(app, neighbour, bulkOrganizationID: importer.organizationID) {
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
            // Chunks of 500 (ten of them), so that the neighbour's turns fall well inside the bulk write.
            try await Self.neighbourFinishesFirst(app, neighbour, bulkOrganizationID: key.$organization.id) {
                _ = try await InstallInvitationBatch.send(.init(keyID: try key.requireID(), recipients: recipients, language: .en,
                                                                expiresAt: Date().addingTimeInterval(86_400), inviterID: nil, actor: .commandLine,
                                                                chunkSize: 500),
                                                          mailer: app.herald.mailer, secrets: app.herald.installInvitationSecrets,
                                                          turns: app.herald.installInvitationTurns, on: app.db)
            }
            #expect(try await Invitation.query(on: app.db).filter(\.$kind == .install).count() == 5_000)
        }
    }

    /// SQLiteNIO runs SQLite on NIO's blocking thread pool (one thread per core, shared by every application of the
    /// process) and its busy handler waits for the write lock without end. One application per core, each with a
    /// single write started while its own transaction holds the lock, took every thread; no transaction could commit
    /// and the process stopped (how the whole suite hung on a two-core machine).
    @Test("single writes made while a transaction holds SQLite's write lock wait their turn without taking a thread")
    func plainWritesDuringATransaction() async throws {
        try await Self.withApplications(ProcessInfo.processInfo.activeProcessorCount + 1) { apps in
            // given: in each application, a transaction that holds the write lock while single writes start
            let finished = try await Self.within(.seconds(60)) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for app in apps { group.addTask { try await Self.singleWritesDuringTransaction(app) } }
                    try await group.waitForAll()
                }
            }
            // then
            try #require(finished != nil, "no transaction committed: single writes held every thread in SQLite's busy handler")
            for app in apps { #expect(try await DirectoryUser.query(on: app.db).count() == 4) }
        }
    }

    static func singleWritesDuringTransaction(_ app: Application) async throws {
        let organizationID = try await Self.organization(app, "Holder")
        let single = try await app.db.transaction { db in
            try await Self.user("holder", organizationID, on: db)
            let single = (0..<3).map { index in Task { try await Self.user("single\(index)", organizationID, on: app.db) } }
            try await Task.sleep(for: .milliseconds(300))
            return single
        }
        for write in single { try await write.value }
    }

    static func withApplications(_ count: Int, _ body: @escaping ([Application]) async throws -> Void) async throws {
        guard count > 0 else { return try await body([]) }
        try await withHerald { app in try await withApplications(count - 1) { try await body([app] + $0) } }
    }

    static func organization(_ app: Application, _ name: String) async throws -> UUID {
        let organization = Organization(name: name)
        try await organization.create(on: app.db)
        return try organization.requireID()
    }

    static func user(_ name: String, _ organizationID: UUID, on db: any Database) async throws {
        let user = DirectoryUser()
        user.$organization.id = organizationID
        user.name = name
        user.email = "\(name)@example.com"
        user.enabled = true
        try await user.create(on: db)
    }

    /// The body's result, or nil when it has not finished within `limit` (the body is then left running).
    static func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        let done = Done()
        let work = Task { defer { done.mark() }; return try await body() }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if done.isMarked { return try await work.value }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    final class Done: Sendable {
        private let marked = Mutex(false)
        var isMarked: Bool { marked.withLock { $0 } }
        func mark() { marked.withLock { $0 = true } }
    }

    /// Runs `bulk`, and once its first slice is committed, one write of the neighbour: the neighbour must be
    /// answered (201) while the bulk write is still running. (Waiting a fixed time instead failed under load: the
    /// bulk write had not started, or was already in its last slice, when the neighbour came.) The bound only ends a
    /// hang: in the full PostgreSQL pass, with every suite's applications at once, the first slice took minutes.
    static func neighbourFinishesFirst(_ app: Application, _ neighbour: ConcurrentWritesTests.Tenant, bulkOrganizationID: UUID,
                                       _ bulk: @escaping @Sendable () async throws -> Void) async throws {
        let bulkEnded = Done()
        let bulkTask = Task { defer { bulkEnded.mark() }; try await bulk(); return Date() }
        let firstSlice: Void? = try await Self.within(.seconds(600)) {
            while try await Invitation.query(on: app.db).filter(\.$organization.$id == bulkOrganizationID).count() == 0, !bulkEnded.isMarked {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        try #require(firstSlice != nil, "the bulk write committed nothing within 600 s")
        let response = try await DirectoryImportJobTests.send(app, .POST, "/api/v1/directory/users", token: neighbour.token,
                                                              body: #"{"name":"Nell","email":"nell@example.com"}"#)
        let neighbourDone = Date()
        let bulkDone = try await bulkTask.value
        #expect(response.status == .created, "\(response.body.string.prefix(300))")
        #expect(neighbourDone < bulkDone, "the neighbour's write waited for the whole bulk write (\(bulkDone.timeIntervalSince(neighbourDone)) s)")
    }
}

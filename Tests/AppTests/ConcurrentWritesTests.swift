@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Parallel writes answer 2xx or a 4xx a person understands, never 5xx: SQLite's "database is locked" and
/// `busyInSnapshot` are retried (`SQLiteWriteRetry`), and a lost race for a unique row is 409 (`UniqueViolation`).
@Suite("concurrent writes")
struct ConcurrentWritesTests {
    struct Tenant {
        let organizationID: UUID
        let token: String
    }

    struct Outcome: Sendable {
        let label: String
        let status: HTTPResponseStatus
        let body: String
    }

    @Test("30 parallel creates of the same directory user: one 201, every other one 409 with a reason, no SQL text")
    func sameUserInParallel() async throws {
        try await withHerald { app in
            let tenant = try await Self.tenant(app, "Acme")
            let body = #"{"name":"Zoe","email":"zoe@example.com"}"#
            let outcomes = try await Self.parallel((0..<30).map { _ in ("create zoe", .POST, "/api/v1/directory/users", body) }, app, tenant)
            #expect(outcomes.filter { $0.status == .created }.count == 1)
            for outcome in outcomes where outcome.status != .created {
                #expect(outcome.status == .conflict, "\(outcome.status): \(outcome.body)")
                #expect(outcome.body.contains("email:"), "\(outcome.body)")
                #expect(!outcome.body.localizedCaseInsensitiveContains("constraint"), "\(outcome.body)")
            }
        }
    }

    @Test("mixed parallel writes of two organizations (resends, creates, invitations, imports) never answer 5xx")
    func mixedWritesOfTwoOrganizations() async throws {
        try await withHerald { app in
            var calls: [Call] = []
            for name in ["Acme", "Globex"] {
                let tenant = try await Self.tenant(app, name)
                let emails = (1...30).map { "\"\(name.lowercased())\($0)@example.com\"" }.joined(separator: ",")
                let invited = try await Self.send(app, Call(label: "", method: .POST, path: "/api/v1/invitations/join",
                                                            body: #"{"emails":[\#(emails)]}"#, tenant: tenant))
                try #require(invited.status.code < 300, "\(invited.body.string)")
                let ids = try await Invitation.query(on: app.db).filter(\.$organization.$id == tenant.organizationID).all().map { try $0.requireID() }
                func call(_ label: String, _ path: String, _ body: String) -> Call {
                    Call(label: "\(name) \(label)", method: .POST, path: path, body: body, tenant: tenant)
                }
                calls += ids.map { call("resend", "/api/v1/invitations/\($0)/resend", "") }
                calls += (1...10).map { call("create user", "/api/v1/directory/users", #"{"name":"N\#($0)","email":"n\#($0)@example.com"}"#) }
                calls += (1...5).map { _ in call("create same user", "/api/v1/directory/users", #"{"name":"Same","email":"same@example.com"}"#) }
                calls += (1...10).map { call("invite", "/api/v1/invitations/join", #"{"emails":["new\#($0)@example.com"]}"#) }
                let csv = String(decoding: DirectoryScaleTests.csv(1_200), as: UTF8.self)
                calls += (1...2).map { _ in call("import", "/api/v1/directory/users/import", csv) }
            }
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                for call in calls.shuffled() {
                    group.addTask {
                        let response = try await Self.send(app, call)
                        return Outcome(label: call.label, status: response.status, body: response.body.string)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let failures = outcomes.filter { $0.status.code >= 500 }
            #expect(failures.isEmpty, "\(failures.map { "\($0.label): \($0.status.code) \($0.body.prefix(200))" })")
            for outcome in outcomes where !outcome.label.hasSuffix("same user") {
                #expect(outcome.status.code < 300, "\(outcome.label): \(outcome.status.code) \(outcome.body.prefix(200))")
            }
            try await app.herald.directoryImports.allFinished()
            #expect(try await DirectoryUser.query(on: app.db).count() == 2 * (1_200 + 10 + 1))
        }
    }

    struct Call: Sendable {
        let label: String
        let method: HTTPMethod
        let path: String
        let body: String
        let tenant: Tenant
    }

    static func parallel(_ calls: [(String, HTTPMethod, String, String)], _ app: Application, _ tenant: Tenant) async throws -> [Outcome] {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            for (label, method, path, body) in calls {
                group.addTask {
                    let response = try await send(app, Call(label: label, method: method, path: path, body: body, tenant: tenant))
                    return Outcome(label: label, status: response.status, body: response.body.string)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func send(_ app: Application, _ call: Call) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(call.tenant.token)"]
        if !call.body.isEmpty {
            headers.add(name: .contentType, value: call.path.hasSuffix("/import") ? "text/csv" : "application/json")
        }
        return try await app.testing().sendRequest(call.method, call.path, headers: headers,
                                                   body: call.body.isEmpty ? nil : ByteBuffer(string: call.body))
    }

    /// An organization with an administrator, an API token and mail settings (resends need a sender).
    static func tenant(_ app: Application, _ name: String) async throws -> Tenant {
        let admin = try await TestData.administrator(app, email: "admin@\(name.lowercased()).example", password: "Correct-Horse-42", organization: name)
        let organizationID = try admin.organization.requireID()
        try await DirectoryFixtures.mailReady(app, organizationID: organizationID)
        let token = try await APITokenService.create(name: "parallel", scope: .administration, organizationID: organizationID,
                                                     accountID: admin.account.requireID(), actor: .system, on: app.db).token
        return Tenant(organizationID: organizationID, token: token)
    }
}

@testable import App
import Fluent
import FluentSQL
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

/// An organization with an administrator, an API token and a license key, for the list tests; and the rows they
/// page through, written with one shared timestamp so that only the id tells them apart.
struct ListFixtures {
    let app: Application
    let organizationID: UUID
    let keyID: UUID
    let token: String

    static func make(_ app: Application) async throws -> ListFixtures {
        _ = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
        let organization = try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first())
        let organizationID = try organization.requireID()
        let (_, key) = try await LicenseFixtures.key(app, organization: organization, seats: 100_000)
        let admin = try #require(try await Membership.query(on: app.db).filter(\.$organization.$id == organizationID)
            .filter(\.$role == .administrator).first())
        let token = try await APITokenService.create(name: "lists", scope: .administration, organizationID: organizationID, accountID: admin.$account.id,
                                                     actor: .system, on: app.db).token
        return ListFixtures(app: app, organizationID: organizationID, keyID: try key.requireID(), token: token)
    }

    /// `count` rows of one list, created at `time` (its sort column), each named after `label` and its number.
    func add(_ list: ListKind, count: Int, label: String, at time: Date) async throws {
        guard count > 0 else { return }
        let ids: [UUID] = (0..<count).map { _ in UUID() }
        switch list {
        case .invitations:
            try await ids.enumerated().map { n, id in
                let invitation = Invitation()
                invitation.id = id
                invitation.$organization.id = organizationID
                invitation.kind = .join
                invitation.email = "\(label)-\(n)@example.com"
                invitation.language = "en"
                invitation.status = .pending
                invitation.expiresAt = Date().addingTimeInterval(86_400)
                return invitation
            }.create(on: app.db)
        case .members:
            let accounts = ids.enumerated().map { n, _ in Account(id: UUID(), email: "\(label)-\(n)@example.com", name: "\(label) \(n)", passwordHash: "unused") }
            try await accounts.create(on: app.db)
            try await zip(ids, accounts).map { id, account in
                Membership(id: id, organizationID: organizationID, accountID: try account.requireID(), role: .member)
            }.create(on: app.db)
        case .directoryUsers:
            // One name for all: the order falls to the id, as with equal timestamps elsewhere.
            try await ids.enumerated().map { n, id in
                let user = DirectoryUser()
                user.id = id
                user.$organization.id = organizationID
                user.name = "Same Name"
                user.email = "\(label)-\(n)@example.com"
                user.enabled = true
                return user
            }.create(on: app.db)
        case .installations:
            try await ids.enumerated().map { n, id in
                let installation = Installation()
                installation.id = id
                installation.$licenseKey.id = keyID
                installation.fingerprint = "\(label)-\(n)"
                installation.computerName = "\(label)-\(n)"
                installation.operatingSystem = "Linux"
                installation.status = .active
                installation.certificateSerial = "\(label)-\(n)"
                installation.activatedAt = time
                return installation
            }.create(on: app.db)
        case .audit:
            try await ids.enumerated().map { n, id in
                let event = AuditEvent()
                event.id = id
                event.$organization.id = organizationID
                event.actorLabel = "cli"
                event.action = .memberAdded
                event.targetType = "member"
                event.targetLabel = "\(label)-\(n)"
                return event
            }.create(on: app.db)
        case .outbox:
            try await ids.enumerated().map { n, id in
                let message = OutboxMessage()
                message.id = id
                message.$organization.id = organizationID
                message.status = .sent
                message.mailFrom = "herald@example.com"
                message.recipients = "\(label)-\(n)@example.com"
                message.messageID = "<\(id)@herald.test>"
                message.subject = "Invitation"
                message.raw = Data()
                message.attempts = 1
                message.nextAttemptAt = time
                return message
            }.create(on: app.db)
        }
        if list.sortsByTime {
            // One bound value for every row: the rows share their timestamp exactly, as rows of one bulk insert do.
            try await app.db.sql.raw("UPDATE \(ident: list.table) SET \(ident: list.column) = \(bind: time) WHERE id IN (\(binds: ids))").run()
        }
    }

    /// Every row of the list as the database orders it (sort column, then id; in the list's direction).
    func databaseOrder(_ list: ListKind) async throws -> [UUID] {
        struct Key: Decodable { let id: UUID }
        let direction = SQLQueryString(list.descending ? "DESC" : "ASC")
        return try await app.db.sql.raw("SELECT id FROM \(ident: list.table) ORDER BY \(ident: list.column) \(direction), id \(direction)")
            .all(decoding: Key.self).map(\.id)
    }

    /// One API page: the ids of its rows, and the `next` and `prev` links.
    func apiPage(_ path: String) async throws -> (ids: [UUID], next: String?, previous: String?) {
        let response = try await app.testing().sendRequest(.GET, path, headers: ["Authorization": "Bearer \(token)"])
        try #require(response.status == .ok, "\(path): \(response.status) \(response.body.string.prefix(300))")
        let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body))
        let rows = (json as? [[String: Any]]) ?? ((json as? [String: Any])?["messages"] as? [[String: Any]]) ?? []
        let link = response.headers.first(name: .link) ?? ""
        func target(_ rel: String) -> String? {
            link.split(separator: ",").first { $0.contains("rel=\"\(rel)\"") }?.firstMatch(of: /<([^>]+)>/).map { String($0.1) }
        }
        return (rows.compactMap { ($0["id"] as? String).flatMap(UUID.init(uuidString:)) }, target("next"), target("prev"))
    }

    /// The plan the database chooses for one page of a list (SQLite's `EXPLAIN QUERY PLAN`, PostgreSQL's `EXPLAIN`),
    /// one line per step, for the exact query `ListOrdering.pageQuery` builds, with its bound values.
    static func plan<Row>(_ builder: QueryBuilder<Row>) async throws -> String {
        let sql = try builder.database.sql
        var query = builder.query
        if query.fields.isEmpty { query.fields = [.sql(SQLLiteral.all)] }
        let select = SQLQueryConverter(delegate: PlanDelegate()).convert(query)
        if sql.dialect.name == "sqlite" {
            return try await sql.raw("EXPLAIN QUERY PLAN \(select)").all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "\n")
        }
        return try await sql.raw("EXPLAIN \(select)").all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
    }

    private struct PlanDelegate: SQLConverterDelegate {
        func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? { nil }
        func beforeConvert(_ schema: DatabaseSchema) -> DatabaseSchema { schema }
    }
}

/// The lists that page by keyset, with the table and sort column each reads.
enum ListKind: String, CaseIterable, CustomTestStringConvertible {
    case invitations, members, directoryUsers, installations, audit, outbox

    var testDescription: String { rawValue }

    func path(_ fixtures: ListFixtures) -> String {
        switch self {
        case .invitations: "/api/v1/invitations"
        case .members: "/api/v1/members"
        case .directoryUsers: "/api/v1/directory/users"
        case .installations: "/api/v1/license-keys/\(fixtures.keyID)/installations"
        case .audit: "/api/v1/audit-events"
        case .outbox: "/api/v1/outbox"
        }
    }

    var table: String {
        switch self {
        case .invitations: Invitation.schema
        case .members: Membership.schema
        case .directoryUsers: DirectoryUser.schema
        case .installations: Installation.schema
        case .audit: AuditEvent.schema
        case .outbox: OutboxMessage.schema
        }
    }

    var column: String {
        switch self {
        case .directoryUsers: "name"
        case .installations: "activated_at"
        default: "created_at"
        }
    }

    var sortsByTime: Bool { self != .directoryUsers }
    var descending: Bool { self != .members && self != .directoryUsers }
}

extension BrowserSession {
    /// Signs in through the form as an account that already exists.
    mutating func signIn(email: String, password: String) async throws {
        let response = try await post("/signin", form: ["email": email, "password": password])
        try #require(response.status == .seeOther, "sign-in failed: \(response.status)")
    }
}

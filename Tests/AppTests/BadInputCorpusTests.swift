@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The bad-input corpus (Tests/AppTests/Fixtures/BadInput plus generated cases) against the JSON API: each gets a
/// 4xx whose JSON reason names the field or line, and nothing is stored half-way. Forged CSRF tokens, replayed and
/// expired links and revoked tokens have their own tests (SignInTests, JoinInvitationTests, FirstRunSetupTests,
/// APITests); the whole API is also fuzzed from its OpenAPI document by Tests/APIFuzz.
@Suite("bad-input corpus")
struct BadInputCorpusTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/BadInput")

    /// (fixture, status, a part of the reason, users the import leaves behind)
    static let csvCases: [(String, UInt, String, Int)] = [
        ("binary.csv", 400, "csv: line 1: is not valid UTF-8", 0),
        ("wrong-columns.csv", 400, "csv: line 1:", 0),
        ("unterminated-quote.csv", 400, "csv: line 2: a quoted value starts here but its closing quote is missing", 0),
        ("invalid-addresses.csv", 400, "line 2", 0),
    ]

    @Test("bad CSV files are refused naming the line, and none of their rows is imported", arguments: csvCases)
    func badCSV(fixture: String, status: UInt, reason: String, remaining: Int) async throws {
        try await withAPI { app, token in
            let body = try Data(contentsOf: Self.fixtures.appendingPathComponent(fixture))
            let response = try await Self.send(app, .POST, "/api/v1/directory/users/import", token: token, body: body, type: "text/csv")
            #expect(response.status.code == status, "\(response.body.string)")
            #expect(try Self.reason(response).contains(reason), "\(response.body.string)")
            #expect(try await DirectoryUser.query(on: app.db).count() == remaining)
        }
    }

    @Test("a CSV with a BOM, mixed line endings, quotes and formula-like names imports every row verbatim")
    func awkwardButValidCSV() async throws {
        try await withAPI { app, token in
            for fixture in ["bom-mixed-line-endings-quotes.csv", "formula-injection-names.csv"] {
                let body = try Data(contentsOf: Self.fixtures.appendingPathComponent(fixture))
                let response = try await Self.send(app, .POST, "/api/v1/directory/users/import", token: token, body: body, type: "text/csv")
                // A valid file is accepted and written in the background (`DirectoryImportJobs`).
                #expect(response.status == .accepted, "\(fixture): \(response.body.string)")
            }
            try await app.herald.directoryImports.allFinished()
            let names = Set(try await DirectoryUser.query(on: app.db).all().map(\.name))
            #expect(names.isSuperset(of: ["Ana Example", "Quoted, Name", "=cmd|' /C calc'!A0", "@HYPERLINK(\"http://evil\")"]), "\(names)")
        }
    }

    @Test("a 10 MB CSV is refused with 413 before it is read")
    func oversizedCSV() async throws {
        try await withAPI { app, token in
            let body = Data(repeating: UInt8(ascii: "a"), count: 11 * 1024 * 1024)
            // Over a real socket: the in-memory tester hands the route the whole body and skips the size check.
            let response = try await LiveSocket.send(app, port: try HeraldProcess.freePort(), .POST, "/api/v1/directory/users/import",
                                                     headers: ["Authorization": "Bearer \(token)", "Content-Type": "text/csv"],
                                                     body: ByteBuffer(data: body))
            #expect(response.status == .payloadTooLarge)
            #expect(try await DirectoryUser.query(on: app.db).count() == 0)
        }
    }

    /// (path, JSON body, status, a part of the reason)
    static let jsonCases: [(String, String, UInt, String)] = [
        ("/api/v1/invitations/join", #"{"emails":["a@example.com\r\nBcc: evil@example.com"]}"#, 400, "emails[0]"),
        ("/api/v1/directory/users", #"{"name":"Eve\r\nBcc: evil@example.com","email":"eve@example.com"}"#, 400, "name:"),
        ("/api/v1/directory/users", #"{"name":"Eve","email":"eve@example.com\nX: y"}"#, 400, "email"),
        ("/api/v1/invitations/join", #"{"emails":["#, 400, "body"),
        ("/api/v1/invitations/join", #"{"emails":"not-a-list"}"#, 400, "emails"),
        ("/api/v1/api-tokens", #"{"name":"line one\nline two"}"#, 400, "name:"),
        ("/api/v1/mail-settings", #"{"transport":"smtp","server":"mail.example.com:587\r\nRCPT","sender_address":"it@example.com"}"#, 422, "server"),
    ]

    @Test("CR/LF in addresses, names and servers, malformed JSON and wrong types are 4xx naming the field; nothing is stored",
          arguments: jsonCases)
    func badJSON(path: String, body: String, status: UInt, reason: String) async throws {
        try await withAPI { app, token in
            let method: HTTPMethod = path.hasSuffix("mail-settings") ? .PUT : .POST
            let response = try await Self.send(app, method, path, token: token,
                                               body: Data(body.utf8), type: "application/json")
            #expect(response.status.code == status, "\(response.body.string)")
            #expect(try Self.reason(response).contains(reason), "\(response.body.string)")
            #expect(try await Invitation.query(on: app.db).count() == 0)
            #expect(try await DirectoryUser.query(on: app.db).count() == 0)
            #expect(try await OutboxMessage.query(on: app.db).count() == 0)
        }
    }

    @Test("a body that is not JSON gets 415 naming Content-Type")
    func wrongContentType() async throws {
        try await withAPI { app, token in
            let response = try await Self.send(app, .POST, "/api/v1/invitations/join", token: token,
                                               body: Data("emails=a@example.com".utf8), type: "application/x-www-form-urlencoded")
            #expect(response.status == .unsupportedMediaType)
            #expect(try Self.reason(response) == "Content-Type: must be application/json (got application/x-www-form-urlencoded)")
            #expect(try await Invitation.query(on: app.db).count() == 0)
        }
    }

    @Test("JSON is recognised however the client writes its media type; near misses get 415")
    func jsonMediaTypeSpellings() async throws {
        try await withAPI { app, token in
            let body = Data(#"{"code":"AAAA-BBBB-CCCC-DDDD-EEEE","fingerprint":"fp-media-type","computerName":"PC","operatingSystem":"Linux"}"#.utf8)
            for type in ["application/json", "APPLICATION/JSON", "application/json; charset=utf-8", "application/json;charset=UTF-8",
                         "application/json ; charset=utf-8"] {
                // An unknown code: the request got past the media-type check to the lookup.
                let response = try await Self.send(app, .POST, "/api/v1/activations", token: token, body: body, type: type)
                #expect(response.status == .notFound, "\(type): \(response.body.string)")
            }
            for type in ["application/jsonp", "text/json", "application/x-json", "text/plain"] {
                let response = try await Self.send(app, .POST, "/api/v1/activations", token: token, body: body, type: type)
                #expect(response.status == .unsupportedMediaType, "\(type)")
                #expect(try Self.reason(response) == "Content-Type: must be application/json (got \(type))")
            }
        }
    }

    @Test("SQL and HTML metacharacters and non-ASCII in a text field are stored and returned verbatim")
    func metacharactersAreData() async throws {
        try await withAPI { app, token in
            let name = "Zoë 山田 <script>alert(1)</script> '; DROP TABLE accounts;-- \" OR 1=1"
            let body = try JSONSerialization.data(withJSONObject: ["name": name, "email": "zoe@example.com"])
            let created = try await Self.send(app, .POST, "/api/v1/directory/users", token: token, body: body, type: "application/json")
            #expect(created.status == .created, "\(created.body.string)")
            let listed = try await Self.send(app, .GET, "/api/v1/directory/users", token: token, body: nil, type: nil)
            let users = try JSONSerialization.jsonObject(with: Data(buffer: listed.body)) as? [[String: Any]]
            #expect(users?.first?["name"] as? String == name)
            #expect(try await Account.query(on: app.db).count() == 1, "the accounts table is still there")
        }
    }

    // MARK: helpers

    private func withAPI(_ test: (Application, String) async throws -> Void) async throws {
        try await withHerald { app in
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let token = try await APITokenService.create(name: "corpus", scope: .administration, organizationID: admin.organization.requireID(),
                                                         accountID: admin.account.requireID(), actor: .system, on: app.db).token
            try await test(app, token)
        }
    }

    static func send(_ app: Application, _ method: HTTPMethod, _ path: String, token: String, body: Data?, type: String?) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        if let type { headers.add(name: .contentType, value: type) }
        return try await app.testing().sendRequest(method, path, headers: headers, body: body.map { ByteBuffer(data: $0) })
    }

    static func reason(_ response: TestingHTTPResponse) throws -> String {
        let json = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return json?["reason"] as? String ?? ""
    }
}

@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Client invitations and the directory over the API")
struct ClientInvitationAPITests {
    @Test("CSV import names lines and stores nothing; a group cycle is refused; POST /client-invitations queues one message per person")
    func directoryAndInvitations() async throws {
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let token = try await APITokenService.create(name: "ci", scope: .administration, organizationID: try admin.organization.requireID(), accountID: try admin.account.requireID(), actor: .system, on: app.db).token
            let auth: HTTPHeaders = ["Authorization": "Bearer \(token)"]
            func send(_ method: HTTPMethod, _ path: String, _ body: String, type: String = "application/json") async throws -> TestingHTTPResponse {
                var headers = auth
                headers.replaceOrAdd(name: .contentType, value: type)
                return try await app.testing().sendRequest(method, path, headers: headers, body: ByteBuffer(string: body))
            }
            // when: a bad file, then a good one
            let bad = try await send(.POST, "/api/v1/directory/users/import", "Ann,ann@example.com,Staff\nBob,bob@\n", type: "text/csv")
            let usersAfterBad = try await DirectoryUser.query(on: app.db).count()
            let good = try await send(.POST, "/api/v1/directory/users/import", "Ann,ann@example.com,Staff\nBob,bob@example.com,Staff;Eng\nCat,cat@example.com,Eng\n", type: "text/csv")
            try await app.herald.directoryImports.allFinished()
            let nest = try await send(.POST, "/api/v1/directory/groups/\(try #require(try await DirectoryGroup.query(on: app.db).filter(\.$name == "Staff").first()?.id))/members", #"{"group":"Eng"}"#)
            let cycle = try await send(.POST, "/api/v1/directory/groups/\(try #require(try await DirectoryGroup.query(on: app.db).filter(\.$name == "Eng").first()?.id))/members", #"{"group":"Staff"}"#)
            let refused = try await send(.POST, "/api/v1/client-invitations", #"{"device_types":["windows"],"server":"gw.example.com","groups":["Staff"]}"#)
            try await DirectoryFixtures.mailReady(app, organizationID: try admin.organization.requireID())
            let invalid = try await send(.POST, "/api/v1/client-invitations", #"{"device_types":["toaster"],"server":"x","port":0,"groups":["Staff"],"template":"Hi %WHO%"}"#)
            let sent = try await send(.POST, "/api/v1/client-invitations", #"{"device_types":["windows","android"],"server":"gw.example.com","port":443,"connection_mode":3,"groups":["Staff"],"language":"ja"}"#)
            // then
            #expect(bad.status == .badRequest)
            #expect(bad.body.string.contains("csv: line 2: 'bob@' is not an email address"))
            #expect(usersAfterBad == 0)
            #expect(good.status == .accepted)
            #expect(nest.status == .noContent)
            #expect(cycle.status == .unprocessableEntity)
            #expect(cycle.body.string.contains("cycle"))
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("mail: no mail settings"))
            #expect(invalid.status == .unprocessableEntity)
            for field in ["device_types:", "server:", "port:", "template: unknown variable %WHO%"] { #expect(invalid.body.string.contains(field)) }
            #expect(sent.status == .accepted)
            let rows = try await OutboxMessage.query(on: app.db).all()
            #expect(rows.map(\.recipients).sorted() == ["ann@example.com", "bob@example.com", "cat@example.com"])
            let parts = try MIMEParts(raw: Data(OutboxReader.raw(rows[0])))
            #expect(parts.text.components(separatedBy: "ConnMode=3&Server=gw.example.com&Port=443").count - 1 == 2)
            #expect(parts.text.contains("接続モードを 直接 SSL に設定します。"))
        }
    }
}

@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// An organization provisioned by SCIM, its token, and requests as an identity provider sends them.
struct SCIMFixture {
    let app: Application
    let organizationID: UUID
    let token: String

    static func make(_ app: Application, organization: String = "Acme", provisioning: DirectoryProvisioning = .scim,
                     blockMembers: Bool = false) async throws -> SCIMFixture {
        let created = try await TestData.administrator(app, email: "admin@\(organization.lowercased()).example", password: "Correct-Horse-42", organization: organization)
        let organizationID = try created.organization.requireID()
        try await DirectorySettingsStore.save(provisioning: provisioning, blockMembersOnDeprovision: blockMembers,
                                              organizationID: organizationID, actor: .commandLine, on: app.db)
        let token = try await SCIMTokenService.create(name: "idp", organizationID: organizationID, actor: .commandLine, on: app.db).token
        return SCIMFixture(app: app, organizationID: organizationID, token: token)
    }

    func send(_ method: HTTPMethod, _ path: String, _ body: String? = nil, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var all: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/scim+json"]
        all.add(contentsOf: headers)
        return try await app.testing().sendRequest(method, path, headers: all, body: body.map { ByteBuffer(string: $0) })
    }

    /// Sends and reads the JSON answer, expecting `status`.
    func json(_ method: HTTPMethod, _ path: String, _ body: String? = nil, headers: HTTPHeaders = [:], expect status: HTTPStatus = .ok,
              sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
        let response = try await send(method, path, body, headers: headers)
        #expect(response.status == status, "\(method) \(path): \(response.body.string)", sourceLocation: sourceLocation)
        return try Self.decode(response)
    }

    static func decode(_ response: TestingHTTPResponse) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body))
    }

    func user(_ id: String?) async throws -> DirectoryUser {
        try #require(try await DirectoryUser.find(UUID(uuidString: id ?? ""), on: app.db))
    }

    /// A user created the way Okta does, returned as Herald answered.
    func createUser(_ userName: String, email: String? = nil, active: Bool = true) async throws -> JSONValue {
        try await json(.POST, "/scim/v2/Users", """
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"\(userName)","active":\(active),
             "emails":[{"primary":true,"value":"\(email ?? userName)","type":"work"}]}
            """, expect: .created)
    }
}

extension JSONValue {
    var id: String? { self["id"]?.stringValue }
}

@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Who may see and act on license keys in the console and the API (uses the authorization matrix's world:
/// Acme's administrator, Lia the license administrator of key A, Nia a plain member, Globex's administrator).
@Suite("License keys: who may do what")
struct LicenseAccessTests {
    @Test("a license administrator sees and invites for their key only, and never the real key")
    func licenseAdministratorScope() async throws {
        try await withHerald { app in
            // given
            var world = try await AuthorizationMatrixTests.world(app)
            let keyA = "/console/licenses/\(try world.keyA.requireID().uuidString)", keyB = "/console/licenses/\(try world.keyB.requireID().uuidString)"
            // when
            let list = try await world.licenseAdmin.get("/console/licenses")
            let invite = try await world.licenseAdmin.post(keyA + "/invite", form: ["recipients": "kim@example.com", "expires_in": "1"], csrfFrom: keyA + "/invite")
            // then
            #expect(list.status == .ok)
            #expect(list.body.string.contains(keyA) && !list.body.string.contains(keyB))
            #expect(!list.body.string.contains("create-license"))
            #expect(invite.status == .ok)
            #expect(try await world.licenseAdmin.get(keyA).status == .ok)
            #expect(try await world.licenseAdmin.get(keyB).status == .notFound)
            #expect(try await world.licenseAdmin.get(keyB + "/invite").status == .notFound)
            #expect(try await world.licenseAdmin.post(keyA + "/reveal", form: [:], csrfFrom: keyA).status == .forbidden)
            #expect(try await world.licenseAdmin.post("/console/licenses", form: ["name": "X", "product": "P", "seats": "1"], csrfFrom: keyA).status == .forbidden)
            #expect(try await world.member.get("/console/licenses").status == .forbidden)
            #expect(try await world.member.get(keyA).status == .notFound)
            #expect(try await world.otherAdmin.get(keyA).status == .notFound)
            #expect(try await world.acmeAdmin.post(keyA + "/reveal", form: [:], csrfFrom: keyA).body.string.contains("SECRET-A"))
        }
    }

    @Test("the API creates keys and invites; another organization's token cannot touch them; no secret in responses")
    func apiScope() async throws {
        try await withHerald { app in
            // given
            let world = try await AuthorizationMatrixTests.world(app)
            func send(_ method: HTTPMethod, _ path: String, token: String, json: String? = nil) async throws -> TestingHTTPResponse {
                var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
                if json != nil { headers.contentType = .json }
                return try await app.testing().sendRequest(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
            }
            // when
            let created = try await send(.POST, "/api/v1/license-keys", token: world.acmeToken,
                                         json: #"{"name":"API key","product":"Pro","seats":1,"key":"API-SECRET-1"}"#)
            let bad = try await send(.POST, "/api/v1/license-keys", token: world.acmeToken, json: #"{"name":"","product":"Pro","seats":0}"#)
            let keyID = try created.content.decode(LicenseAPIController.LicenseKeyDTO.self).id
            let invited = try await send(.POST, "/api/v1/license-keys/\(keyID)/invitations", token: world.acmeToken,
                                         json: #"{"emails":["a@example.com","b@example.com"],"language":"ja","expires":"14d"}"#)
            let badInvite = try await send(.POST, "/api/v1/license-keys/\(keyID)/invitations", token: world.acmeToken,
                                           json: #"{"emails":["a@example.com","nope"],"language":"xx"}"#)
            let foreign = try await send(.POST, "/api/v1/license-keys/\(keyID)/invitations", token: world.otherToken, json: #"{"emails":["x@example.com"]}"#)
            let listed = try await send(.GET, "/api/v1/license-keys", token: world.acmeToken)
            // then
            #expect(created.status == .created)
            #expect(!created.body.string.contains("API-SECRET-1"))
            #expect(bad.status == .badRequest)
            #expect(bad.body.string.contains("name: is required") && bad.body.string.contains("seats: must be between"))
            #expect(invited.status == .created)
            let response = try invited.content.decode(LicenseAPIController.InviteResponse.self)
            #expect(response.count == 2 && response.invitations.allSatisfy { !$0.activationCode.isEmpty })
            #expect(response.warning?.contains("1 person will not be able to activate until a seat is freed") == true)
            #expect(badInvite.status == .badRequest)
            #expect(badInvite.body.string.contains("emails[1]:") && badInvite.body.string.contains("language: 'xx'"))
            #expect(foreign.status == .notFound)
            #expect(listed.body.string.contains("API key") && !listed.body.string.contains("SECRET"))
            let activation = try await LicenseFixtures.activate(app, code: response.invitations[0].activationCode, fingerprint: "api-machine-1")
            #expect(activation.status == .created)
            let installations = try await send(.GET, "/api/v1/license-keys/\(keyID)/installations", token: world.acmeToken)
            let id = try installations.content.decode([LicenseAPIController.InstallationDTO].self)[0].id
            #expect(try await send(.POST, "/api/v1/license-keys/\(keyID)/installations/\(id)/block", token: world.otherToken).status == .notFound)
            #expect(try await send(.POST, "/api/v1/license-keys/\(keyID)/installations/\(id)/block", token: world.acmeToken).status == .noContent)
            #expect(try await send(.POST, "/api/v1/license-keys/\(keyID)/installations/\(id)/frobnicate", token: world.acmeToken).status == .notFound)
            #expect(try await BlockedComputer.query(on: app.db).count() == 1)
        }
    }
}

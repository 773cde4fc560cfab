@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// The requests Okta documents for SCIM 2.0 provisioning ("SCIM 2.0 protocol reference"): a userName lookup with
/// startIndex=1&count=100 before each create, PUT of the whole user to deactivate, replace with a value object.
@Suite("SCIM: Okta's request shapes")
struct SCIMOktaTests {
    static func user(active: Bool, id: String? = nil) -> String {
        """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],\(id.map { "\"id\":\"\($0)\"," } ?? "")"userName":"isabella.paz@example.com",
         "name":{"givenName":"Isabella","familyName":"Paz"},"emails":[{"primary":true,"value":"isabella.paz@example.com","type":"work"}],
         "displayName":"Isabella Paz","locale":"en-US","externalId":"00ujl29u0le5T6Aj10h7","groups":[],"password":"1mz050nq","active":\(active)}
        """
    }

    @Test("look up, create, then deactivate with a PUT of the whole user")
    func userLifecycle() async throws {
        try await withHerald { app in
            // given
            let scim = try await SCIMFixture.make(app)
            let lookup = "/scim/v2/Users?filter=userName%20eq%20%22isabella.paz%40example.com%22&startIndex=1&count=100"
            // when
            let before = try await scim.json(.GET, lookup)
            let created = try await scim.json(.POST, "/scim/v2/Users", Self.user(active: true), expect: .created)
            let id = try #require(created.id)
            let after = try await scim.json(.GET, lookup)
            let deactivated = try await scim.json(.PUT, "/scim/v2/Users/\(id)", Self.user(active: false, id: id))
            // then
            #expect(before["totalResults"] == .number(0) && before["startIndex"] == .number(1))
            #expect(before["schemas"] == .array([.string(SCIMSchemas.listResponse)]))
            #expect(after["totalResults"] == .number(1) && after["itemsPerPage"] == .number(1))
            #expect(created["displayName"] == .string("Isabella Paz") && created["externalId"] == .string("00ujl29u0le5T6Aj10h7"))
            #expect(created["password"] == nil)
            #expect(deactivated["active"] == .bool(false))
            let stored = try await scim.user(id)
            #expect(!stored.enabled && stored.name == "Isabella Paz" && stored.version == 2)
        }
    }

    @Test("groups: rename with a replace value object, add and remove members, nested groups with a cycle")
    func groups() async throws {
        try await withHerald { app in
            // given
            let scim = try await SCIMFixture.make(app)
            let user = try #require(try await scim.createUser("isabella.paz@example.com").id)
            let group = try #require(try await scim.json(.POST, "/scim/v2/Groups",
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Test SCIMv2","members":[]}"#, expect: .created).id)
            let patch = { (operations: String) in
                try await scim.json(.PATCH, "/scim/v2/Groups/\(group)", #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":"# + operations + "}")
            }
            // when
            let renamed = try await patch(#"[{"op":"replace","value":{"id":"\#(group)","displayName":"Test SCIMv2 renamed"}}]"#)
            let added = try await patch(#"[{"op":"add","path":"members","value":[{"value":"\#(user)","display":"isabella.paz@example.com"}]}]"#)
            let removed = try await patch(#"[{"op":"remove","path":"members[value eq \"\#(user)\"]"}]"#)
            // then
            #expect(renamed["displayName"] == .string("Test SCIMv2 renamed"))
            #expect(added["members"]?.arrayValue?.map { $0["value"] } == [.string(user)])
            #expect(removed["members"] == nil)
            #expect(try await DirectoryGroup.find(UUID(uuidString: group), on: app.db)?.name == "Test SCIMv2 renamed")

            // given two groups that contain each other (an external source may send that)
            let other = try #require(try await scim.json(.POST, "/scim/v2/Groups", """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Other",
                 "members":[{"value":"\(group)","type":"Group"},{"value":"\(user)"}]}
                """, expect: .created).id)
            _ = try await patch(#"[{"op":"add","path":"members","value":[{"value":"\#(other)","type":"Group"}]}]"#)
            // then the cycle is stored and expansion ends
            let graph = try await DirectoryStore.graph(of: scim.organizationID, on: app.db)
            #expect(graph.recipients(users: [], groups: [try #require(UUID(uuidString: group))]).map(\.uuidString) == [user])
        }
    }
}

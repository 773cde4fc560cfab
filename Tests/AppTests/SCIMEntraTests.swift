@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// The requests Microsoft documents for Entra ID's SCIM provisioning ("Tutorial: Develop and plan provisioning for
/// a SCIM endpoint"), as Entra sends them: capitalised ops, `active` as the string "False", `$ref: null`.
@Suite("SCIM: Microsoft Entra ID's request shapes")
struct SCIMEntraTests {
    static let newUser = """
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "externalId":"0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef","userName":"Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com",
         "active":true,"emails":[{"primary":true,"type":"work","value":"Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@contoso.com"}],
         "meta":{"resourceType":"User"},"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
         "roles":[],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","department":"Tour Operations",
         "manager":{"value":"26118915-6090-4610-87e4-49d8ca9f808d"}}}
        """

    @Test("create a user, find it by userName, disable it with \"False\", update its email and name")
    func userLifecycle() async throws {
        try await withHerald { app in
            // given
            let scim = try await SCIMFixture.make(app)
            // when
            let created = try await scim.json(.POST, "/scim/v2/Users", Self.newUser, expect: .created)
            let id = try #require(created.id)
            let found = try await scim.json(.GET, "/scim/v2/Users?filter=userName+eq+%22Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1%40contoso.com%22")
            let none = try await scim.json(.GET, "/scim/v2/Users?filter=userName+eq+%22non-existent%40contoso.com%22")
            let disabled = try await scim.json(.PATCH, "/scim/v2/Users/\(id)", """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}
                """)
            let renamed = try await scim.json(.PATCH, "/scim/v2/Users/\(id)", """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
                 {"op":"Replace","path":"emails[type eq \\"work\\"].value","value":"updatedEmail@microsoft.com"},
                 {"op":"Replace","path":"name.familyName","value":"updatedFamilyName"},
                 {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"c8a84f1e-1c3e-4f7b-9b8e-6a7f5f0f2a11"}]}
                """)
            // then
            #expect(created["emails"]?.arrayValue?.first?["value"] == .string("test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@contoso.com"))
            #expect(created[SCIMSchemas.enterpriseUser]?["department"] == .string("Tour Operations"))
            #expect(created[SCIMSchemas.enterpriseUser]?["manager"]?["value"] == .string("26118915-6090-4610-87e4-49d8ca9f808d"))
            #expect(created["meta"]?["location"] == .string("https://herald.test/scim/v2/Users/\(id)"))
            #expect(found["totalResults"] == .number(1))
            #expect(found["Resources"]?.arrayValue?.first?.id == id)
            #expect(none["totalResults"] == .number(0) && none["Resources"] == .array([]))
            #expect(disabled["active"] == .bool(false))
            #expect(renamed["emails"]?.arrayValue?.first?["value"] == .string("updatedemail@microsoft.com"))
            #expect(renamed["name"]?["familyName"] == .string("updatedFamilyName"))
            #expect(renamed[SCIMSchemas.enterpriseUser]?["manager"]?["value"] == .string("c8a84f1e-1c3e-4f7b-9b8e-6a7f5f0f2a11"))
            #expect(renamed[SCIMSchemas.enterpriseUser]?["department"] == .string("Tour Operations"))
            let stored = try await scim.user(id)
            #expect(!stored.enabled && stored.source == .scim && stored.deactivatedReason == "disabled in the directory by SCIM")
            #expect(stored.name == "givenName updatedFamilyName")
        }
    }

    @Test("groups: create, add and remove members with Entra's value lists, list without members, delete")
    func groups() async throws {
        try await withHerald { app in
            // given
            let scim = try await SCIMFixture.make(app)
            let user = try #require(try await scim.createUser("ann@contoso.com").id)
            let group = try await scim.json(.POST, "/scim/v2/Groups", """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
                 "displayName":"displayName","meta":{"resourceType":"Group"}}
                """, expect: .created)
            let groupID = try #require(group.id)
            // when
            _ = try await scim.json(.PATCH, "/scim/v2/Groups/\(groupID)", """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"\(user)"}]}]}
                """)
            let withMember = try await scim.json(.GET, "/scim/v2/Groups/\(groupID)")
            let listed = try await scim.json(.GET, "/scim/v2/Groups?filter=displayName+eq+%22displayName%22&excludedAttributes=members")
            _ = try await scim.json(.PATCH, "/scim/v2/Groups/\(groupID)", """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"\(user)"}]}]}
                """)
            let emptied = try await scim.json(.GET, "/scim/v2/Groups/\(groupID)")
            let deleted = try await scim.send(.DELETE, "/scim/v2/Groups/\(groupID)")
            let gone = try await scim.send(.GET, "/scim/v2/Groups/\(groupID)")
            // then
            #expect(withMember["members"]?.arrayValue?.first?["value"] == .string(user))
            #expect(withMember["members"]?.arrayValue?.first?["type"] == .string("User"))
            #expect(listed["totalResults"] == .number(1))
            #expect(listed["Resources"]?.arrayValue?.first?["members"] == nil)
            #expect(listed["Resources"]?.arrayValue?.first?["displayName"] == .string("displayName"))
            #expect(emptied["members"] == nil)
            #expect(deleted.status == .noContent)
            #expect(gone.status == .notFound)
        }
    }

    @Test("DELETE keeps the person disabled and removed; SCIM then answers 404, and a new POST revives the row")
    func deleteKeepsHistory() async throws {
        try await withHerald { app in
            // given
            let scim = try await SCIMFixture.make(app)
            let id = try #require(try await scim.createUser("bob@contoso.com").id)
            // when
            let deleted = try await scim.send(.DELETE, "/scim/v2/Users/\(id)")
            let get = try await scim.send(.GET, "/scim/v2/Users/\(id)")
            let again = try await scim.send(.DELETE, "/scim/v2/Users/\(id)")
            let list = try await scim.json(.GET, "/scim/v2/Users")
            // then
            #expect(deleted.status == .noContent)
            #expect(get.status == .notFound && again.status == .notFound)
            #expect(get.headers.contentType?.subType == "scim+json")
            #expect(try SCIMFixture.decode(get)["status"] == .string("404"))
            #expect(list["totalResults"] == .number(0))
            let kept = try await scim.user(id)
            #expect(kept.removedAt != nil && !kept.enabled)
            // when provisioned again
            let revived = try await scim.createUser("bob@contoso.com")
            #expect(revived.id == id && revived["active"] == .bool(true))
        }
    }
}

import Foundation
import HeraldCore
import Testing

@Suite("SCIM PATCH operations on a resource as JSON")
struct SCIMPatchTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    let users = SCIMPatcher(schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", enterprise], multiValued: ["emails"])
    let groups = SCIMPatcher(schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], multiValued: ["members"])

    let user: JSONValue = .object([
        "userName": .string("ann"), "active": .bool(true), "name": .object(["givenName": .string("Ann"), "familyName": .string("Lee")]),
        "emails": .array([.object(["value": .string("ann@example.com"), "type": .string("work"), "primary": .bool(true)])]),
    ])
    let group: JSONValue = .object(["displayName": .string("Staff"), "members": .array([.object(["value": .string("a")]), .object(["value": .string("b")])])])

    @Test("Entra ID: replace active with the string \"False\"; Okta: replace with a value object")
    func replaceActive() throws {
        let entra = try users.apply([.init(kind: .replace, path: "active", value: .string("False"))], to: user)
        #expect(entra["active"] == .string("False"))
        let okta = try users.apply([.init(kind: .replace, value: .object(["id": .string("ignored"), "active": .bool(false)]))], to: user)
        #expect(okta["active"] == .bool(false))
        #expect(okta["id"] == nil)
    }

    @Test("sub-attributes, filtered elements and extension attributes")
    func paths() throws {
        let patched = try users.apply([
            .init(kind: .replace, path: "name.familyName", value: .string("Smith")),
            .init(kind: .replace, path: #"emails[type eq "work"].value"#, value: .string("ann.smith@example.com")),
            .init(kind: .add, path: "\(Self.enterprise):department", value: .string("Sales")),
            .init(kind: .add, path: "\(Self.enterprise):manager", value: .string("m-1")),
        ], to: user)
        #expect(patched["name"]?["familyName"] == .string("Smith"))
        #expect(patched["name"]?["givenName"] == .string("Ann"))
        #expect(patched["emails"]?.arrayValue?.first?["value"] == .string("ann.smith@example.com"))
        #expect(patched[Self.enterprise]?["department"] == .string("Sales"))
        let removed = try users.apply([.init(kind: .remove, path: Self.enterprise), .init(kind: .remove, path: "name")], to: patched)
        #expect(removed[Self.enterprise] == nil && removed["name"] == nil)
    }

    @Test("a filtered replace on a missing element creates it (Entra ID's emails[type eq \"work\"].value)")
    func createsFilteredElement() throws {
        let patched = try users.apply([.init(kind: .replace, path: #"emails[type eq "home"].value"#, value: .string("ann@home.example"))], to: user)
        #expect(patched["emails"]?.arrayValue?.count == 2)
        #expect(patched["emails"]?.arrayValue?.last == .object(["type": .string("home"), "value": .string("ann@home.example")]))
    }

    @Test("group members: add, remove by filter (RFC) and by value list (Entra ID), replace all")
    func members() throws {
        let added = try groups.apply([.init(kind: .add, path: "members", value: .array([.object(["value": .string("c")]), .object(["value": .string("a")])]))], to: group)
        #expect(added["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } == ["a", "b", "c"])
        let filtered = try groups.apply([.init(kind: .remove, path: #"members[value eq "a"]"#)], to: added)
        #expect(filtered["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } == ["b", "c"])
        let entra = try groups.apply([.init(kind: .remove, path: "members", value: .array([.object(["value": .string("b")])]))], to: filtered)
        #expect(entra["members"]?.arrayValue?.compactMap { $0["value"]?.stringValue } == ["c"])
        let emptied = try groups.apply([.init(kind: .remove, path: #"members[value eq "c"]"#)], to: entra)
        #expect(emptied["members"] == nil)
        let replaced = try groups.apply([.init(kind: .replace, path: "members", value: .array([.object(["value": .string("z")])]))], to: group)
        #expect(replaced["members"]?.arrayValue?.count == 1)
    }

    @Test("refusals carry the SCIM error type", arguments: [
        (SCIMPatchOperation(kind: .remove), "noTarget"),
        (SCIMPatchOperation(kind: .replace, path: "id", value: .string("x")), "mutability"),
        (SCIMPatchOperation(kind: .add, path: "members[value eq", value: .null), "invalidPath"),
        (SCIMPatchOperation(kind: .add, path: "urn:nope:attr", value: .null), "invalidPath"),
        (SCIMPatchOperation(kind: .add, path: "displayName"), "invalidValue"),
        (SCIMPatchOperation(kind: .replace, value: .string("x")), "invalidValue"),
    ])
    func refusals(operation: SCIMPatchOperation, scimType: String) {
        #expect(throws: SCIMPatchError.self) { try groups.apply([operation], to: group) }
        do { _ = try groups.apply([operation], to: group) } catch { #expect(error.scimType == scimType) }
    }
}

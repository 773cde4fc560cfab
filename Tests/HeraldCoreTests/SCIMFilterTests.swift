import Foundation
import HeraldCore
import Testing

@Suite("SCIM filters: parsing, evaluation and hostile input")
struct SCIMFilterTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let schemas = ["urn:ietf:params:scim:schemas:core:2.0:User", enterprise]

    static let bjensen: JSONValue = .object([
        "id": .string("2819c223"), "userName": .string("bjensen@example.com"), "externalId": .string("Ext-1"),
        "displayName": .string("Babs Jensen"), "active": .bool(true),
        "emails": .array([.object(["value": .string("bjensen@example.com"), "type": .string("work")]),
                          .object(["value": .string("babs@home.example"), "type": .string("home")])]),
        "meta": .object(["lastModified": .string("2026-12-01T10:00:00Z")]),
        enterprise: .object(["department": .string("Tour Operations")]),
        "members": .array([.object(["value": .string("u-1")])]),
    ])

    func matches(_ text: String) throws -> Bool {
        try SCIMFilter.parse(text, schemas: Self.schemas).matches(Self.bjensen) { $0.name == "externalId" || $0.name == "id" }
    }

    @Test("each operator on the attributes Entra ID and Okta filter by", arguments: [
        (#"userName eq "BJensen@example.com""#, true), (#"userName ne "bjensen@example.com""#, false),
        (#"userName co "jensen""#, true), (#"userName sw "bj""#, true), (#"userName ew ".com""#, true), (#"userName sw "x""#, false),
        (#"externalId eq "ext-1""#, false), (#"externalId eq "Ext-1""#, true),
        (#"emails.value eq "babs@home.example""#, true), (#"emails[type eq "work"].value eq "bjensen@example.com""#, true),
        (#"emails[type eq "work"].value eq "babs@home.example""#, false), (#"emails[type eq "home"]"#, true),
        (#"displayName eq "babs jensen""#, true), ("active eq true", true), ("active eq false", false), ("title pr", false),
        ("displayName pr", true), (#"meta.lastModified gt "2026-11-30T00:00:00Z""#, true),
        (#"meta.lastModified le "2026-12-01T09:59:59.5Z""#, false), (#"members.value eq "u-1""#, true),
        (#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department sw "tour""#, true),
    ])
    func operators(filter: String, expected: Bool) throws {
        #expect(try matches(filter) == expected, "\(filter)")
    }

    @Test("and binds tighter than or; not and parentheses group")
    func precedence() throws {
        #expect(try matches(#"userName eq "x" and active eq true or displayName sw "Babs""#))
        #expect(try !matches(#"userName eq "x" and (active eq true or displayName sw "Babs")"#))
        #expect(try matches(#"not (userName eq "x") and active eq true"#))
        #expect(try !matches(#"not(active eq true)"#))
        #expect(try SCIMFilter.parse(#"a eq "1" or b eq "2" and c eq "3""#)
            == .or(.compare(.init(name: "a"), .eq, .string("1")), .and(.compare(.init(name: "b"), .eq, .string("2")), .compare(.init(name: "c"), .eq, .string("3")))))
    }

    @Test("values: escaped strings, numbers, true, false and null")
    func values() throws {
        #expect(try SCIMFilter.parse(#"displayName eq "Say \"hi\" \u00e9""#) == .compare(.init(name: "displayName"), .eq, .string("Say \"hi\" é")))
        #expect(try SCIMFilter.parse("x gt -1.5e2") == .compare(.init(name: "x"), .gt, .number(-150)))
        #expect(try SCIMFilter.parse("x eq null") == .compare(.init(name: "x"), .eq, .null))
        #expect(try SCIMFilter.parse("X EQ TRUE") == .compare(.init(name: "X"), .eq, .bool(true)))
    }

    @Test("malformed and hostile filters are refused with a reason, never a crash", arguments: [
        "", "userName", "userName eq", #"userName eq "unclosed"#, #"userName xx "a""#, "(userName pr", "userName pr)",
        #"emails[type eq "work""#, "1abc eq 1", #"userName eq "a" and"#, "not userName pr", "x eq 1e999", #"x eq "\q""#,
        #"urn:unknown:schema:attr eq "a""#, "a.b.c eq 1", "x eq nan", #"userName eq "a" "b""#, "x eq +1",
    ])
    func malformed(filter: String) {
        #expect(throws: SCIMFilterError.self) { try SCIMFilter.parse(filter, schemas: Self.schemas) }
    }

    @Test("deep nesting and huge input are refused before any work")
    func limits() throws {
        let deep = String(repeating: "(", count: 10_000) + "a pr" + String(repeating: ")", count: 10_000)
        #expect(throws: SCIMFilterError.self) { try SCIMFilter.parse(deep) }
        let nots = String(repeating: "not (", count: 40) + "a pr" + String(repeating: ")", count: 40)
        #expect(throws: SCIMFilterError.self) { try SCIMFilter.parse(nots) }
        let long = Array(repeating: #"a eq "b""#, count: 1_000).joined(separator: " or ")
        #expect(throws: SCIMFilterError.self) { try SCIMFilter.parse(long) }
        let fine = Array(repeating: #"a eq "b""#, count: 200).joined(separator: " or ")
        #expect(try SCIMFilter.parse(fine).matches(.object(["a": .string("b")])))
    }

    @Test("random bytes never crash the parser")
    func fuzz() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"ab ()[]"\.:eqnotandorpr01-urn"#.unicodeScalars) + ["\u{0}", "é", "\u{FFFF}"]
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...40, using: &generator) { text.unicodeScalars.append(alphabet.randomElement(using: &generator)!) }
            _ = try? SCIMFilter.parse(text, schemas: Self.schemas)
        }
    }
}

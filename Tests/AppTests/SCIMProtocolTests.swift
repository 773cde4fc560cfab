@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

@Suite("SCIM: errors, paging, tokens and organizations")
struct SCIMProtocolTests {
    @Test("a second user with the same userName (any case) or email is 409 uniqueness, as a SCIM error")
    func uniqueness() async throws {
        try await withHerald { app in
            let scim = try await SCIMFixture.make(app)
            _ = try await scim.createUser("ann@example.com")
            let sameName = try await scim.send(.POST, "/scim/v2/Users", #"{"userName":"ANN@example.com","emails":[{"value":"other@example.com"}]}"#)
            let sameEmail = try await scim.send(.POST, "/scim/v2/Users", #"{"userName":"ann2","emails":[{"value":"Ann@Example.com"}]}"#)
            for response in [sameName, sameEmail] {
                let body = try SCIMFixture.decode(response)
                #expect(response.status == .conflict)
                #expect(body["scimType"] == .string("uniqueness") && body["status"] == .string("409"))
                #expect(body["schemas"] == .array([.string(SCIMError.errorSchema)]))
                #expect(response.headers.contentType?.subType == "scim+json")
            }
        }
    }

    @Test("eight identity-provider retries of one POST at once: one 201, the rest 409 uniqueness, never 500")
    func racingCreates() async throws {
        try await withHerald { app in
            let scim = try await SCIMFixture.make(app)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await scim.send(.POST, "/scim/v2/Users", #"{"userName":"race@example.com"}"#).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 7, "\(statuses)")
        }
    }

    @Test("a bad filter is 400 invalidFilter naming the problem")
    func badFilter() async throws {
        try await withHerald { app in
            let scim = try await SCIMFixture.make(app)
            for filter in ["userName%20xx%20%22a%22", "(userName%20pr", "userName%20eq", String(repeating: "(", count: 500)] {
                let body = try await scim.json(.GET, "/scim/v2/Users?filter=\(filter)", expect: .badRequest)
                #expect(body["scimType"] == .string("invalidFilter"), "\(filter)")
                #expect(body["detail"]?.stringValue?.hasPrefix("filter: ") == true)
            }
        }
    }

    @Test("paging is 1-based; out-of-range numbers are clamped, text and huge numbers refused")
    func paging() async throws {
        try await withHerald { app in
            let scim = try await SCIMFixture.make(app)
            for index in 1...5 { _ = try await scim.createUser("user\(index)@example.com") }
            let page = try await scim.json(.GET, "/scim/v2/Users?startIndex=4&count=2")
            let zero = try await scim.json(.GET, "/scim/v2/Users?startIndex=0&count=-3")
            let past = try await scim.json(.GET, "/scim/v2/Users?startIndex=99&count=99999")
            let filtered = try await scim.json(.GET, "/scim/v2/Users?filter=userName+sw+%22user%22&startIndex=5&count=10")
            #expect(page["startIndex"] == .number(4) && page["itemsPerPage"] == .number(2) && page["totalResults"] == .number(5))
            #expect(page["Resources"]?.arrayValue?.first?["userName"] == .string("user4@example.com"))
            #expect(zero["startIndex"] == .number(1) && zero["itemsPerPage"] == .number(0) && zero["totalResults"] == .number(5))
            #expect(past["Resources"] == .array([]) && past["totalResults"] == .number(5))
            #expect(filtered["Resources"]?.arrayValue?.count == 1 && filtered["totalResults"] == .number(5))
            for query in ["startIndex=abc", "count=1.5", "startIndex=99999999999999999999999"] {
                let body = try await scim.json(.GET, "/scim/v2/Users?\(query)", expect: .badRequest)
                #expect(body["scimType"] == .string("invalidValue"), "\(query)")
            }
        }
    }

    @Test("a revoked or unknown token is 401; a token while the source is not SCIM is 403")
    func tokens() async throws {
        try await withHerald { app in
            let scim = try await SCIMFixture.make(app)
            #expect(try await scim.send(.GET, "/scim/v2/Users").status == .ok)
            let record = try #require(try await SCIMToken.query(on: app.db).first())
            _ = try await SCIMTokenService.revoke(id: try record.requireID(), organizationID: scim.organizationID, actor: .commandLine, on: app.db)
            let revoked = try await scim.send(.GET, "/scim/v2/Users")
            let none = try await app.testing().sendRequest(.GET, "/scim/v2/Users")
            #expect(revoked.status == .unauthorized && none.status == .unauthorized)
            #expect(try SCIMFixture.decode(revoked)["detail"]?.stringValue?.contains("revoked") == true)
            let csv = try await SCIMFixture.make(app, organization: "Initech", provisioning: .csv)
            let refused = try await csv.json(.GET, "/scim/v2/Users", expect: .forbidden)
            #expect(refused["detail"]?.stringValue?.contains("hand and CSV import") == true)
        }
    }

    @Test("another organization's users and groups are 404, and its lists are empty")
    func organizations() async throws {
        try await withHerald { app in
            let acme = try await SCIMFixture.make(app, organization: "Acme")
            let initech = try await SCIMFixture.make(app, organization: "Initech")
            let user = try #require(try await acme.createUser("ann@example.com").id)
            let group = try #require(try await acme.json(.POST, "/scim/v2/Groups", #"{"displayName":"Staff","members":[{"value":"\#(user)"}]}"#, expect: .created).id)
            for (method, path) in [(HTTPMethod.GET, "Users/\(user)"), (.PUT, "Users/\(user)"), (.DELETE, "Users/\(user)"),
                                   (.GET, "Groups/\(group)"), (.PATCH, "Groups/\(group)"), (.DELETE, "Groups/\(group)")] {
                let response = try await initech.send(method, "/scim/v2/\(path)", #"{"userName":"x","displayName":"x","Operations":[{"op":"remove","path":"members"}]}"#)
                #expect(response.status == .notFound, "\(method) \(path)")
            }
            #expect(try await initech.json(.GET, "/scim/v2/Users")["totalResults"] == .number(0))
            let stolen = try await initech.send(.POST, "/scim/v2/Groups", #"{"displayName":"Mine","members":[{"value":"\#(user)"}]}"#)
            #expect(stolen.status == .badRequest)
        }
    }

    @Test("ETags: If-Match with another version is 412, with the current one it applies")
    func etags() async throws {
        try await withHerald { app in
            let scim = try await SCIMFixture.make(app)
            let created = try await scim.send(.POST, "/scim/v2/Users", #"{"userName":"ann@example.com"}"#)
            let id = try #require(try SCIMFixture.decode(created).id)
            let etag = try #require(created.headers.first(name: .eTag))
            let patch = #"{"Operations":[{"op":"replace","path":"displayName","value":"Ann"}]}"#
            let stale = try await scim.json(.PATCH, "/scim/v2/Users/\(id)", patch, headers: ["If-Match": #"W/"999""#], expect: .preconditionFailed)
            let fresh = try await scim.send(.PATCH, "/scim/v2/Users/\(id)", patch, headers: ["If-Match": etag])
            #expect(stale["status"] == .string("412"))
            #expect(fresh.status == .ok && fresh.headers.first(name: .eTag) != etag)
            #expect(try SCIMFixture.decode(fresh)["meta"]?["version"] == .string(try #require(fresh.headers.first(name: .eTag))))
        }
    }

    @Test("bad bodies and unknown resources: SCIM errors, never 500")
    func badInput() async throws {
        try await withHerald { app in
            let scim = try await SCIMFixture.make(app)
            let cases: [(HTTPMethod, String, String?, HTTPStatus, String?)] = [
                (.POST, "/scim/v2/Users", "{nope", .badRequest, "invalidSyntax"),
                (.POST, "/scim/v2/Users", "[1,2]", .badRequest, "invalidSyntax"),
                (.POST, "/scim/v2/Users", #"{"userName":5}"#, .badRequest, "invalidValue"),
                (.POST, "/scim/v2/Users", #"{"userName":"x","emails":[{"value":"not-an-address"}]}"#, .badRequest, "invalidValue"),
                (.POST, "/scim/v2/Users", #"{"userName":"a\u0000b@example.com"}"#, .badRequest, "invalidValue"),
                (.POST, "/scim/v2/Users", #"{"userName":"x@example.com","active":"maybe"}"#, .badRequest, "invalidValue"),
                (.POST, "/scim/v2/Groups", #"{"displayName":"G","members":[{"value":"nope"}]}"#, .badRequest, "invalidValue"),
                (.PATCH, "/scim/v2/Users/\(UUID())", #"{"Operations":[]}"#, .notFound, nil),
                (.GET, "/scim/v2/Users/not-a-uuid", nil, .notFound, nil),
                (.GET, "/scim/v2/Nope", nil, .notFound, nil),
                (.POST, "/scim/v2/Schemas", "{}", .methodNotAllowed, nil),
                (.POST, "/scim/v2/.search", "{}", .notImplemented, nil),
                (.POST, "/scim/v2/Users", "{\"userName\":\"" + String(repeating: "a", count: 5_000_000) + "\"}", .payloadTooLarge, nil),
                (.POST, "/scim/v2/Users", String(repeating: "[", count: 1_000_000), .badRequest, "invalidSyntax"),
                (.POST, "/scim/v2/Users", "{\"userName\":\"x@example.com\",\"a\":" + String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_001), .badRequest, "invalidSyntax"),
            ]
            for (method, path, body, status, scimType) in cases {
                let response = try await scim.send(method, path, body)
                #expect(response.status == status, "\(method) \(path.prefix(40)) \(body?.prefix(60) ?? "")")
                let json = try SCIMFixture.decode(response)
                #expect(json["schemas"] == .array([.string(SCIMError.errorSchema)]), "\(path.prefix(40))")
                #expect(json["scimType"]?.stringValue == scimType, "\(body.map { String($0.prefix(60)) } ?? path)")
            }
            let user = try #require(try await scim.createUser("ann@example.com").id)
            let badPatch = try await scim.json(.PATCH, "/scim/v2/Users/\(user)", #"{"Operations":[{"op":"jump","path":"x"}]}"#, expect: .badRequest)
            let badPath = try await scim.json(.PATCH, "/scim/v2/Users/\(user)", #"{"Operations":[{"op":"remove"}]}"#, expect: .badRequest)
            let many = "{\"Operations\":[" + Array(repeating: #"{"op":"replace","path":"displayName","value":"A"}"#, count: 1_001).joined(separator: ",") + "]}"
            let tooMany = try await scim.json(.PATCH, "/scim/v2/Users/\(user)", many, expect: .badRequest)
            #expect(badPatch["scimType"] == .string("invalidSyntax") && badPath["scimType"] == .string("noTarget"))
            #expect(tooMany["scimType"] == .string("tooMany"))
        }
    }
}

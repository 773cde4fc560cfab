@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// The OpenAPI document served at /api/v1/openapi.json describes exactly the API the server has.
@Suite("OpenAPI document")
struct OpenAPITests {
    @Test("every /api/v1 route is documented with its method, and every documented operation exists")
    func documentMatchesRoutes() async throws {
        try await withHerald { app in
            // given
            let response = try await app.testing().sendRequest(.GET, "/api/v1/openapi.json")
            #expect(response.status == .ok)
            #expect(response.headers.contentType == .json)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            // when
            let documented = Set(paths.flatMap { path, operations in
                operations.keys.filter { ["get", "post", "put", "patch", "delete"].contains($0) }.map { "\($0.uppercased()) \(path)" }
            })
            let served = Set(app.routes.all.compactMap { route -> String? in
                let components = route.path.map { component -> String in
                    switch component {
                    case .constant(let value): value
                    case .parameter(let name): "{\(name)}"
                    case .anything: "*"
                    case .catchall: "**"
                    }
                }
                guard components.starts(with: ["api", "v1"]) else { return nil }
                return "\(route.method.rawValue) /" + components.dropFirst(2).joined(separator: "/")
            })
            // then
            #expect(served.subtracting(documented).sorted() == [], "served but not documented")
            #expect(documented.subtracting(served).sorted() == [], "documented but not served")
            #expect(document["openapi"] as? String == "3.0.3")
        }
    }

    @Test("the documented parameters name the route's parameters, and every operation documents its errors")
    func operationsAreComplete() async throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Resources/OpenAPI/openapi.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        for (path, operations) in paths {
            let placeholders = Set(path.matches(of: /\{([A-Za-z]+)\}/).map { String($0.1) })
            for (method, operation) in operations {
                let parameters = (operation["parameters"] as? [[String: Any]] ?? []).filter { $0["in"] as? String == "path" }
                #expect(Set(parameters.compactMap { $0["name"] as? String }) == placeholders, "\(method) \(path)")
                let responses = operation["responses"] as? [String: Any] ?? [:]
                #expect(responses["default"] != nil, "\(method) \(path) documents its error body")
            }
        }
    }
}

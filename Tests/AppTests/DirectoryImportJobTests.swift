@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A valid directory import is answered at once and written in the background; its progress is a page that
/// reloads itself (console) and a job resource (API), each visible only to the organization that imported.
@Suite("directory import jobs")
struct DirectoryImportJobTests {
    @Test("the API answers 202 with a job at Location; the job counts rows, ends finished with the summary, and is 404 to another organization")
    func apiJob() async throws {
        try await withHerald { app in
            // given
            let acme = try await ConcurrentWritesTests.tenant(app, "Acme")
            let globex = try await ConcurrentWritesTests.tenant(app, "Globex")
            // when
            let started = try await Self.send(app, .POST, "/api/v1/directory/users/import", token: acme.token,
                                         body: String(decoding: DirectoryScaleTests.csv(1_200), as: UTF8.self), type: "text/csv")
            let location = try #require(started.headers.first(name: .location), "\(started.status) \(started.body.string.prefix(300))")
            let foreign = try await Self.send(app, .GET, location, token: globex.token)
            try await app.herald.directoryImports.allFinished()
            let finished = try await Self.send(app, .GET, location, token: acme.token)
            // then
            #expect(started.status == .accepted)
            #expect(location.hasPrefix("/api/v1/directory/import-jobs/"))
            let job = try JSONSerialization.jsonObject(with: Data(buffer: started.body)) as? [String: Any]
            #expect(job?["rows_total"] as? Int == 1_200)
            #expect(foreign.status == .notFound)
            #expect(finished.status == .ok)
            let done = try JSONSerialization.jsonObject(with: Data(buffer: finished.body)) as? [String: Any]
            #expect(done?["state"] as? String == "finished")
            #expect(done?["rows_done"] as? Int == 1_200)
            #expect((done?["summary"] as? [String: Any])?["created"] as? Int == 1_200)
            #expect(try await DirectoryUser.query(on: app.db).filter(\.$organization.$id == acme.organizationID).count() == 1_200)
        }
    }

    @Test("the console upload leads to a progress page: rows done of the total and a reload while running, the summary without reload at the end")
    func consoleProgressPage() async throws {
        try await withHerald { app in
            // given
            var browser = try await BulkConsoleFormsTests.signedIn(app)
            let csv = String(decoding: DirectoryScaleTests.csv(5_000), as: UTF8.self)
            // when
            let first = try await browser.upload("/console/directory/import", file: "file", named: "people.csv", contents: csv,
                                                 csrfFrom: "/console/directory")
            let job = try #require(first.body.string.firstMatch(of: /data-job="([0-9A-F-]+)"/)?.1, "\(first.status) \(first.body.string.prefix(300))")
            try await app.herald.directoryImports.allFinished()
            let last = try await browser.get("/console/directory/import/\(job)")
            let unknown = try await browser.get("/console/directory/import/\(UUID())")
            // then
            #expect(first.status == .ok)
            if first.body.string.contains(#"data-state="running""#) {
                #expect(first.headers.first(name: "Refresh") == "2", "a running import's page reloads itself")
                #expect(first.body.string.contains(#"<strong id="rows-total">5000</strong>"#))
            }
            #expect(last.status == .ok)
            #expect(last.body.string.contains(#"data-state="finished""#))
            #expect(last.body.string.contains("5000 added"))
            #expect(last.headers.first(name: "Refresh") == nil)
            #expect(unknown.status == .notFound)
        }
    }

    static func send(_ app: Application, _ method: HTTPMethod, _ path: String, token: String, body: String? = nil,
                     type: String = "application/json") async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        if body != nil { headers.replaceOrAdd(name: .contentType, value: type) }
        return try await app.testing().sendRequest(method, path, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}

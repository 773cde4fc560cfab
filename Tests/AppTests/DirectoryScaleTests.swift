@testable import App
import Fluent
import HeraldCore
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

/// A large directory stays manageable: imports write in bounded slices, and the console and API lists are paged.
@Suite("directory at scale")
struct DirectoryScaleTests {
    static func csv(_ count: Int, name: (Int) -> String = { "Person \($0)" }) -> Data {
        Data(("name,email,groups\n" + (1...count).map { "\(name($0)),person\($0)@example.com,Staff;Team \($0 % 3)" }
            .joined(separator: "\n")).utf8)
    }

    @Test("an import is written in slices of 500 rows, and importing the same file again changes nothing")
    func slicedImport() async throws {
        try await withHerald { app in
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let organizationID = try admin.organization.requireID()
            let reported = NIOLockedValueBox<[Int]>([])
            let summary = try await DirectoryImport.run(Self.csv(1_200), organizationID: organizationID, actor: .system, on: app.db) { done, total in
                #expect(total == 1_200)
                reported.withLockedValue { $0.append(done) }
            }
            #expect(reported.withLockedValue { $0 } == [500, 1_000, 1_200])
            #expect(summary == .init(created: 1_200, updated: 0, groupsCreated: 4, membershipsAdded: 2_400))
            #expect(try await DirectoryUser.query(on: app.db).count() == 1_200)
            #expect(try await DirectoryGroupMember.query(on: app.db).count() == 2_400)

            let again = try await DirectoryImport.run(Self.csv(1_200), organizationID: organizationID, actor: .system, on: app.db)
            #expect(again == .init())
            let renamed = try await DirectoryImport.run(Self.csv(1_200) { $0 == 777 ? "Renamed" : "Person \($0)" },
                                                        organizationID: organizationID, actor: .system, on: app.db)
            #expect(renamed == .init(created: 0, updated: 1, groupsCreated: 0, membershipsAdded: 0))
            let user = try await DirectoryUser.query(on: app.db).filter(\.$email == "person777@example.com").first()
            #expect(user?.name == "Renamed")
        }
    }

    @Test("a directory CSV over 5 MB is 413 naming the limit")
    func oversizedImport() async throws {
        try await withHerald { app in
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let data = Data(repeating: UInt8(ascii: "a"), count: DirectoryUserCSV.maxBytes + 1)
            await #expect(throws: Abort.self) {
                try await DirectoryImport.run(data, organizationID: try admin.organization.requireID(), actor: .system, on: app.db)
            }
            do {
                _ = try await DirectoryImport.run(data, organizationID: try admin.organization.requireID(), actor: .system, on: app.db)
            } catch let abort as Abort {
                #expect(abort.status == .payloadTooLarge)
                #expect(abort.reason.contains("5 MB"), "\(abort.reason)")
            }
        }
    }

    @Test("the directory page shows users and groups a page at a time")
    func pagedConsole() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let organizationID = try #require(try await Organization.query(on: app.db).first()).requireID()
            _ = try await DirectoryImport.run(Self.csv(250), organizationID: organizationID, actor: .system, on: app.db)

            let first = try await browser.get("/console/directory")
            #expect(first.status == .ok)
            #expect(Self.rows(first) == 100)
            let second = try await browser.get(try #require(KeysetListTests.link("next", in: first.body.string)))
            #expect(Self.rows(second) == 100)
            let third = try await browser.get(try #require(KeysetListTests.link("next", in: second.body.string)))
            #expect(Self.rows(third) == 50)
            #expect(!third.body.string.contains("Next users"))
            for hostile in ["abc", "0", "-1", "99999999999999999999", "184467440737095517"] {
                let response = try await browser.get("/console/directory?page=\(hostile)")
                #expect(response.status == .badRequest, "page=\(hostile): \(response.status)")
            }
        }
    }

    /// Rows of the users table: each has its own Remove form.
    static func rows(_ response: TestingHTTPResponse) -> Int {
        response.body.string.components(separatedBy: "/delete\"").count - 1
    }
}

@testable import App
import Fluent
import Foundation
import SQLKit
import Testing

/// The bulk UUID reader (`FastPaths/UUIDColumn.swift`) against Foundation's parser and the driver's own decoding.
@Suite struct UUIDColumnTests {
    @Test func parsesWhatFoundationParses() {
        for _ in 0..<1000 {
            let id = UUID()
            #expect(UUIDText.parse(id.uuidString) == id)
            #expect(UUIDText.parse(id.uuidString.lowercased()) == id)
            #expect(UUIDText.string(id) == id.uuidString)
        }
        let odd = ["", "not a uuid", "00000000-0000-0000-0000-00000000000", "00000000-0000-0000-0000-0000000000000",
                   "0000000000000000000000000000000000000", "g0000000-0000-0000-0000-000000000000",
                   "00000000_0000-0000-0000-000000000000", "0000000-00000-0000-0000-000000000000",
                   "{00000000-0000-0000-0000-000000000000}", "00000000-0000-0000-0000-00000000000é",
                   "FFFFFFFF-ffff-FfFf-0000-123456789abc", "12345678-9abc-def0-1234-56789ABCDEF0"]
        for text in odd {
            #expect(UUIDText.parse(text) == UUID(uuidString: text), "\(text)")
        }
    }

    @Test func readsColumnsLikeTheDriver() async throws {
        try await withHerald { app in
            // given: a group with a user edge and a group edge, so one row has a null uuid column
            let organization = Organization(name: "Acme")
            try await organization.create(on: app.db)
            let group = DirectoryGroup(), inner = DirectoryGroup()
            for (record, name) in [(group, "Outer"), (inner, "Inner")] {
                record.$organization.id = try organization.requireID()
                record.name = name
                try await record.create(on: app.db)
            }
            let edge = DirectoryGroupMember()
            edge.$group.id = try group.requireID()
            edge.$memberGroup.id = try inner.requireID()
            try await edge.create(on: app.db)
            // when
            let rows = try await app.db.sql.select().column("id").column("group_id").column("user_id").column("member_group_id")
                .from(DirectoryGroupMember.schema).all()
            // then
            let row = try #require(rows.first)
            #expect(try row.decodeUUID(column: "id") == row.decode(column: "id", as: UUID.self))
            #expect(try row.decodeUUID(column: "group_id") == group.requireID())
            #expect(try row.decodeUUIDIfPresent(column: "member_group_id") == inner.requireID())
            #expect(try row.decodeUUIDIfPresent(column: "user_id") == nil)
        }
    }
}

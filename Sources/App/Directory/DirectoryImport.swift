import Fluent
import HeraldCore
import Vapor

/// Imports users from `name,email[,groups[,enabled]]` CSV: new people are added, known emails get the file's
/// name and enabled flag, named groups are created when missing, and each person joins the groups of their row.
/// A file with any problem in it imports nothing, so a corrected file can simply be imported again.
///
/// A valid file is written in bounded slices, each its own short transaction with multi-row INSERTs. One
/// transaction for the whole file held SQLite's single writer for minutes on a large directory, and every other
/// organization's writes timed out behind it. Slices let other writers in between; if the
/// database fails part-way, the slices before stay imported and importing the same file again completes it (known
/// emails are updated, existing memberships kept).
enum DirectoryImport {
    struct Summary: Content, Equatable {
        var created = 0
        var updated = 0
        var groupsCreated = 0
        var membershipsAdded = 0
    }

    /// Rows per transaction: a slice takes tens of milliseconds, so another organization's write waits no longer.
    static let sliceSize = 500

    static func run(_ data: Data, organizationID: UUID, actor: AuditActor, on db: any Database,
                    progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }) async throws -> Summary {
        try await DirectorySettingsStore.refuseImport(organizationID: organizationID, on: db)
        let rows = try await validRows(data)
        return try await write(rows, organizationID: organizationID, actor: actor, on: db, progress: progress)
    }

    /// The file's rows, or a 4xx naming every problem. Parsing 100,000 rows is CPU work of a noticeable fraction of
    /// a second; it runs on a thread of its own, not on an event loop where it would stall every request that loop
    /// serves (Swift concurrency runs on the event loops, see `HeraldMain`).
    static func validRows(_ data: Data) async throws -> [DirectoryUserCSV.Row] {
        guard data.count <= DirectoryUserCSV.maxBytes else {
            throw Abort(.payloadTooLarge, reason: "csv: the file is larger than the \(DirectoryUserCSV.maxBytes / 1_048_576) MB a directory import may be; split it into smaller files")
        }
        let parsed = await OwnThread.run { DirectoryUserCSV.parse(data) }
        guard parsed.errors.isEmpty else {
            // Every problem at once (up to a screenful), each with its line.
            let shown = parsed.errors.prefix(20).map(\.description)
            let more = parsed.errors.count > 20 ? "; and \(parsed.errors.count - 20) more" : ""
            throw Abort(.badRequest, reason: "csv: " + shown.joined(separator: "; ") + more)
        }
        return parsed.rows
    }

    /// Writes valid rows slice by slice, calling `progress` after each.
    static func write(_ rows: [DirectoryUserCSV.Row], organizationID: UUID, actor: AuditActor, on db: any Database,
                      progress: @escaping @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }) async throws -> Summary {
        var groups = Dictionary(try await DirectoryStore.groups(of: organizationID, on: db).map { ($0.name, try $0.requireID()) },
                                uniquingKeysWith: { first, _ in first })
        var summary = Summary()
        var done = 0
        for slice in rows.chunked(sliceSize) {
            // An import of the same organization running at the same time may create the same users or groups
            // first: the slice then reads them afresh and is written again (each attempt reads what exists).
            for attempt in 1...3 {
                do {
                    (groups, summary) = try await db.transaction { [groups, summary] db in
                        var groups = groups, summary = summary
                        try await importSlice(slice, organizationID: organizationID, groups: &groups, summary: &summary, on: db)
                        return (groups, summary)
                    }
                    break
                } catch where attempt < 3 && UniqueViolation.table(of: error) != nil {
                    groups = Dictionary(try await DirectoryStore.groups(of: organizationID, on: db).map { ($0.name, try $0.requireID()) },
                                        uniquingKeysWith: { first, _ in first })
                }
            }
            done += slice.count
            progress(done, rows.count)
        }
        try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .directoryImported,
                                  targetType: "directory", targetLabel: "\(rows.count) rows",
                                  details: "created \(summary.created), updated \(summary.updated), groups created \(summary.groupsCreated), memberships added \(summary.membershipsAdded)")
        return summary
    }

    private static func importSlice(_ rows: ArraySlice<DirectoryUserCSV.Row>, organizationID: UUID, groups: inout [String: UUID],
                                    summary: inout Summary, on db: any Database) async throws {
        let now = Date()
        let known = try await DirectoryUser.query(on: db).filter(\.$organization.$id == organizationID)
            .filter(\.$email ~~ rows.map(\.email.normalized)).all()
        var users = Dictionary(known.map { ($0.email, $0) }, uniquingKeysWith: { first, _ in first })
        var newUsers: [DirectoryUser] = []
        for row in rows {
            if let user = users[row.email.normalized] {
                guard user.name != row.name || user.enabled != row.enabled else { continue }
                user.name = row.name
                user.enabled = row.enabled
                user.version += 1
                try await user.save(on: db)
                summary.updated += 1
            } else {
                let user = DirectoryUser()
                user.id = UUID.timeOrdered()
                user.$organization.id = organizationID
                user.name = row.name
                user.email = row.email.normalized
                user.enabled = row.enabled
                user.source = .csv
                users[user.email] = user
                newUsers.append(user)
            }
        }
        try await BulkInsert.directoryUsers(newUsers, on: db, now: now)
        summary.created += newUsers.count

        for name in Set(rows.flatMap(\.groups)) where groups[name] == nil {
            let group = DirectoryGroup()
            group.$organization.id = organizationID
            group.name = name
            try await group.create(on: db)
            groups[name] = try group.requireID()
            summary.groupsCreated += 1
        }
        let knownIDs = known.compactMap(\.id)
        var edges = Set<String>()
        if !knownIDs.isEmpty {
            for edge in try await DirectoryGroupMember.query(on: db).filter(\.$user.$id ~~ knownIDs).all() {
                if let user = edge.$user.id { edges.insert("\(edge.$group.id)/\(user)") }
            }
        }
        var newEdges: [(group: UUID, user: UUID)] = []
        for row in rows {
            let user = try users[row.email.normalized]!.requireID()
            for name in row.groups {
                let group = groups[name]!
                if edges.insert("\(group)/\(user)").inserted { newEdges.append((group, user)) }
            }
        }
        try await BulkInsert.directoryMemberships(newEdges, on: db)
        summary.membershipsAdded += newEdges.count
    }
}

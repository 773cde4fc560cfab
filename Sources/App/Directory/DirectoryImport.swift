import Fluent
import HeraldCore
import Vapor

/// Imports users from `name,email[,groups[,enabled]]` CSV: new people are added, known emails get the file's
/// name and enabled flag, named groups are created when missing, and each person joins the groups of their row.
/// A file with any problem imports nothing, so a corrected file can simply be imported again.
enum DirectoryImport {
    struct Summary: Content, Equatable {
        var created = 0
        var updated = 0
        var groupsCreated = 0
        var membershipsAdded = 0
    }

    static func run(_ data: Data, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> Summary {
        let parsed = DirectoryUserCSV.parse(data)
        guard parsed.errors.isEmpty else {
            // Every problem at once (up to a screenful), each with its line.
            let shown = parsed.errors.prefix(20).map(\.description)
            let more = parsed.errors.count > 20 ? "; and \(parsed.errors.count - 20) more" : ""
            throw Abort(.badRequest, reason: "csv: " + shown.joined(separator: "; ") + more)
        }
        return try await db.transaction { db in
            var summary = Summary()
            var users = Dictionary(try await DirectoryStore.users(of: organizationID, on: db).map { ($0.email, $0) }, uniquingKeysWith: { a, _ in a })
            var groups = Dictionary(try await DirectoryStore.groups(of: organizationID, on: db).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            var edgeKeys = Set(try await DirectoryStore.edges(of: organizationID, on: db).compactMap { edge in
                edge.$user.id.map { "\(edge.$group.id)/\($0)" }
            })
            var newEdges: [DirectoryGroupMember] = []
            for row in parsed.rows {
                let user: DirectoryUser
                if let known = users[row.email.normalized] {
                    user = known
                    if user.name != row.name || user.enabled != row.enabled {
                        user.name = row.name
                        user.enabled = row.enabled
                        try await user.save(on: db)
                        summary.updated += 1
                    }
                } else {
                    user = DirectoryUser()
                    user.$organization.id = organizationID
                    user.name = row.name
                    user.email = row.email.normalized
                    user.enabled = row.enabled
                    try await user.create(on: db)
                    users[user.email] = user
                    summary.created += 1
                }
                for name in row.groups {
                    let group: DirectoryGroup
                    if let known = groups[name] { group = known } else {
                        group = DirectoryGroup()
                        group.$organization.id = organizationID
                        group.name = name
                        try await group.create(on: db)
                        groups[name] = group
                        summary.groupsCreated += 1
                    }
                    let key = "\(group.id!)/\(user.id!)"
                    guard edgeKeys.insert(key).inserted else { continue }
                    let edge = DirectoryGroupMember()
                    edge.$group.id = group.id!
                    edge.$user.id = user.id
                    newEdges.append(edge)
                }
            }
            if !newEdges.isEmpty { try await newEdges.create(on: db) }
            summary.membershipsAdded = newEdges.count
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: "directory.imported",
                                      targetType: "directory", targetLabel: "\(parsed.rows.count) rows",
                                      details: "created \(summary.created), updated \(summary.updated), groups created \(summary.groupsCreated), memberships added \(summary.membershipsAdded)")
            return summary
        }
    }
}

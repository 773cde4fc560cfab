import Fluent
import SQLKit
import HeraldCore
import MIME
import Vapor

/// Changes to an organization's directory, shared by the console, the API and the import. Each checks its
/// input, names the field on a 4xx, and writes its change and audit event in one transaction.
enum DirectoryStore {
    static func users(of organizationID: UUID, on db: any Database) async throws -> [DirectoryUser] {
        try await DirectoryUser.query(on: db).filter(\.$organization.$id == organizationID).sort(\.$name).sort(\.$email).all()
    }

    static func groups(of organizationID: UUID, on db: any Database) async throws -> [DirectoryGroup] {
        try await DirectoryGroup.query(on: db).filter(\.$organization.$id == organizationID).sort(\.$name).all()
    }

    /// Every membership edge of the organization's groups.
    static func edges(of organizationID: UUID, on db: any Database) async throws -> [DirectoryGroupMember] {
        try await DirectoryGroupMember.query(on: db)
            .join(DirectoryGroup.self, on: \DirectoryGroupMember.$group.$id == \DirectoryGroup.$id)
            .filter(DirectoryGroup.self, \.$organization.$id == organizationID)
            .all()
    }

    /// The names of the groups each of these users belongs to directly (for one page of the user list).
    static func groupNames(ofUsers ids: [UUID], on db: any Database) async throws -> [UUID: [String]] {
        guard !ids.isEmpty else { return [:] }
        let edges = try await DirectoryGroupMember.query(on: db).filter(\.$user.$id ~~ ids)
            .join(DirectoryGroup.self, on: \DirectoryGroupMember.$group.$id == \DirectoryGroup.$id).all()
        var names: [UUID: [String]] = [:]
        for edge in edges {
            if let user = edge.$user.id { names[user, default: []].append(try edge.joined(DirectoryGroup.self).name) }
        }
        return names
    }

    /// How many direct members (users and groups) each of these groups has, counted by the database.
    static func memberCounts(ofGroups ids: [UUID], on db: any Database) async throws -> [UUID: Int] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.sql.select()
            .column("group_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "members")
            .from(DirectoryGroupMember.schema).where("group_id", .in, ids).groupBy("group_id").all()
        var counts: [UUID: Int] = [:]
        for row in rows { counts[try row.decode(column: "group_id", as: UUID.self)] = try row.decode(column: "members", as: Int.self) }
        return counts
    }

    /// The group structure; a person counts as enabled only while enabled and not removed by the source.
    static func graph(of organizationID: UUID, users known: [DirectoryUser]? = nil, on db: any Database) async throws -> DirectoryGraph<UUID> {
        let everyone: [DirectoryUser]
        if let known { everyone = known } else { everyone = try await users(of: organizationID, on: db) }
        let people = try everyone.map { DirectoryGraph.Person(id: try $0.requireID(), enabled: $0.enabled && $0.removedAt == nil) }
        var memberUsers: [UUID: [UUID]] = [:]
        var memberGroups: [UUID: [UUID]] = [:]
        for edge in try await edges(of: organizationID, on: db) {
            if let user = edge.$user.id { memberUsers[edge.$group.id, default: []].append(user) }
            if let group = edge.$memberGroup.id { memberGroups[edge.$group.id, default: []].append(group) }
        }
        return DirectoryGraph(people: people, memberUsers: memberUsers, memberGroups: memberGroups)
    }

    static func user(_ id: UUID?, in organizationID: UUID, on db: any Database, field: String = "user") async throws -> DirectoryUser {
        guard let id, let user = try await DirectoryUser.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID).first() else {
            throw Abort(.notFound, reason: "\(field): no such user in the directory")
        }
        return user
    }

    static func group(_ id: UUID?, in organizationID: UUID, on db: any Database, field: String = "group") async throws -> DirectoryGroup {
        guard let id, let group = try await DirectoryGroup.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID).first() else {
            throw Abort(.notFound, reason: "\(field): no such group in the directory")
        }
        return group
    }

    static func createUser(name: String, email: String, enabled: Bool, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> DirectoryUser {
        let name = name.trimmingCharacters(in: .whitespaces)
        if let problem = DirectoryNames.problem(name, what: "name", maxLength: DirectoryUserCSV.maxNameLength) {
            throw Abort(.badRequest, reason: "name: \(problem)")
        }
        let address: EmailAddress
        do { address = try EmailAddress(email) } catch { throw Abort(.badRequest, reason: "email: \(error)") }
        if try await DirectoryUser.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$email == address.normalized).first() != nil {
            throw Abort(.conflict, reason: "email: \(address.normalized) is already in the directory")
        }
        let user = DirectoryUser()
        user.$organization.id = organizationID
        user.name = name
        user.email = address.normalized
        user.enabled = enabled
        try await db.transaction { db in
            try await user.create(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .directoryUserCreated,
                                      targetType: "directory_user", targetID: user.id, targetLabel: user.email)
        }
        return user
    }

    static func updateUser(_ user: DirectoryUser, name: String?, enabled: Bool?, actor: AuditActor, on db: any Database) async throws {
        try await DirectorySettingsStore.refuseHandEdit(of: user.source, what: user.email, organizationID: user.$organization.id, on: db)
        if let name {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            if let problem = DirectoryNames.problem(trimmed, what: "name", maxLength: DirectoryUserCSV.maxNameLength) {
                throw Abort(.badRequest, reason: "name: \(problem)")
            }
            user.name = trimmed
        }
        if let enabled { user.enabled = enabled }
        user.version += 1
        try await db.transaction { db in
            try await user.save(on: db)
            try await AuditLog.record(on: db, organizationID: user.$organization.id, actor: actor, action: .directoryUserUpdated,
                                      targetType: "directory_user", targetID: user.id, targetLabel: user.email,
                                      details: "enabled: \(user.enabled ? "yes" : "no")")
        }
    }

    static func deleteUser(_ user: DirectoryUser, actor: AuditActor, on db: any Database) async throws {
        try await DirectorySettingsStore.refuseHandEdit(of: user.source, what: user.email, organizationID: user.$organization.id, on: db)
        try await db.transaction { db in
            let userID = try user.requireID()
            try await DirectoryGroupMember.query(on: db).filter(\.$user.$id == userID).delete()
            try await user.delete(on: db)
            try await AuditLog.record(on: db, organizationID: user.$organization.id, actor: actor, action: .directoryUserDeleted,
                                      targetType: "directory_user", targetID: user.id, targetLabel: user.email)
        }
    }
}

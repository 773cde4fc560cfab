import Fluent
import HeraldCore
import Vapor

extension DirectoryStore {
    static func validGroupName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if let problem = DirectoryNames.problem(trimmed, what: "group name", maxLength: DirectoryNames.maxGroupLength) {
            throw Abort(.badRequest, reason: "name: \(problem)")
        }
        return trimmed
    }

    /// 409 while the group belongs to the source that provisions the directory.
    static func refuseHandEdit(of group: DirectoryGroup, on db: any Database) async throws {
        try await DirectorySettingsStore.refuseHandEdit(of: group.source, what: "group '\(group.name)'", organizationID: group.$organization.id, on: db)
    }

    /// A change of members is a new version of the group (its SCIM ETag).
    private static func touch(_ group: DirectoryGroup, on db: any Database) async throws {
        group.version += 1
        try await group.save(on: db)
    }

    static func createGroup(name: String, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> DirectoryGroup {
        let name = try validGroupName(name)
        if try await DirectoryGroup.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$name == name).first() != nil {
            throw Abort(.conflict, reason: "name: a group named '\(name)' already exists")
        }
        let group = DirectoryGroup()
        group.$organization.id = organizationID
        group.name = name
        try await db.transaction { db in
            try await group.create(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .directoryGroupCreated,
                                      targetType: "directory_group", targetID: group.id, targetLabel: name)
        }
        return group
    }

    static func deleteGroup(_ group: DirectoryGroup, actor: AuditActor, on db: any Database) async throws {
        try await refuseHandEdit(of: group, on: db)
        try await db.transaction { db in
            let groupID = try group.requireID()
            try await DirectoryGroupMember.query(on: db).group(.or) { $0.filter(\.$group.$id == groupID).filter(\.$memberGroup.$id == groupID) }.delete()
            try await group.delete(on: db)
            try await AuditLog.record(on: db, organizationID: group.$organization.id, actor: actor, action: .directoryGroupDeleted,
                                      targetType: "directory_group", targetID: group.id, targetLabel: group.name)
        }
    }

    /// Puts a user into a group (again is a no-op).
    static func addUser(_ user: DirectoryUser, to group: DirectoryGroup, actor: AuditActor, on db: any Database) async throws {
        try await refuseHandEdit(of: group, on: db)
        try await db.transaction { db in
            let (groupID, userID) = (try group.requireID(), try user.requireID())
            let existing = try await DirectoryGroupMember.query(on: db).filter(\.$group.$id == groupID).filter(\.$user.$id == userID).first()
            guard existing == nil else { return }
            let edge = DirectoryGroupMember()
            edge.$group.id = groupID
            edge.$user.id = userID
            try await edge.create(on: db)
            try await touch(group, on: db)
            try await AuditLog.record(on: db, organizationID: group.$organization.id, actor: actor, action: .directoryMemberAdded,
                                      targetType: "directory_group", targetID: group.id, targetLabel: group.name, details: "user: \(user.email)")
        }
    }

    /// Puts a group into a group, refusing an edge that would make a group contain itself.
    static func addGroup(_ child: DirectoryGroup, to parent: DirectoryGroup, actor: AuditActor, on db: any Database) async throws {
        try await refuseHandEdit(of: parent, on: db)
        try await db.transaction { db in
            let structure = try await Self.graph(of: parent.$organization.id, on: db)
            let (childID, parentID) = (try child.requireID(), try parent.requireID())
            if structure.wouldCreateCycle(adding: childID, to: parentID) {
                let reason = child.id == parent.id ? "a group cannot contain itself"
                    : "'\(child.name)' already contains '\(parent.name)', so adding it would make a cycle"
                throw Abort(.unprocessableEntity, reason: "member_group: \(reason)")
            }
            guard !structure.memberGroups[parentID, default: []].contains(childID) else { return }
            let edge = DirectoryGroupMember()
            edge.$group.id = parentID
            edge.$memberGroup.id = childID
            try await edge.create(on: db)
            try await touch(parent, on: db)
            try await AuditLog.record(on: db, organizationID: parent.$organization.id, actor: actor, action: .directoryMemberAdded,
                                      targetType: "directory_group", targetID: parent.id, targetLabel: parent.name, details: "group: \(child.name)")
        }
    }

    static func removeMember(from group: DirectoryGroup, user: UUID?, memberGroup: UUID?, actor: AuditActor, on db: any Database) async throws {
        try await refuseHandEdit(of: group, on: db)
        try await db.transaction { db in
            let groupID = try group.requireID()
            var query = DirectoryGroupMember.query(on: db).filter(\.$group.$id == groupID)
            if let user { query = query.filter(\.$user.$id == user) } else if let memberGroup { query = query.filter(\.$memberGroup.$id == memberGroup) } else {
                throw Abort(.badRequest, reason: "member: name a user or a group to remove")
            }
            try await query.delete()
            try await touch(group, on: db)
            try await AuditLog.record(on: db, organizationID: group.$organization.id, actor: actor, action: .directoryMemberRemoved,
                                      targetType: "directory_group", targetID: group.id, targetLabel: group.name)
        }
    }
}

import Fluent
import Vapor

/// SCIM's writes to directory groups. Members may be users or groups; nesting cycles the identity provider sends
/// are stored as they are (`DirectoryGraph` expansion terminates on them).
struct SCIMGroupStore {
    typealias Member = SCIMGroupRepresentation.Member

    let context: SCIMContext
    let database: any Database

    init(_ req: Request) throws {
        context = try req.scim
        database = req.db
    }

    private var organizationID: UUID { context.organizationID }

    func find(_ id: String?) async throws -> DirectoryGroup {
        guard let id = id.flatMap(UUID.init(uuidString:)),
              let group = try await DirectoryGroup.query(on: database).filter(\.$id == id).filter(\.$organization.$id == organizationID).first()
        else { throw SCIMError.notFound("Groups") }
        return group
    }

    /// A new group, or the hand-made group of the same name taken over (switching to SCIM keeps the groups).
    func create(_ input: SCIMGroupInput) async throws -> (DirectoryGroup, [Member]) {
        try await database.transaction { db in
            let existing = try await DirectoryGroup.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$name == input.displayName).first()
            if let existing, existing.source == .scim {
                throw SCIMError(.conflict, "uniqueness", "displayName: a group named '\(input.displayName)' is already in the directory")
            }
            let group = existing ?? DirectoryGroup()
            group.$organization.id = organizationID
            let members = try await write(input, to: group, on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: context.actor,
                                      action: existing == nil ? .directoryGroupCreated : .directoryGroupUpdated,
                                      targetType: "directory_group", targetID: group.id, targetLabel: group.name, details: "\(members.count) members")
            return (group, members)
        }
    }

    func replace(_ group: DirectoryGroup, with input: SCIMGroupInput) async throws -> [Member] {
        try await database.transaction { db in
            if input.displayName != group.name,
               try await DirectoryGroup.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$name == input.displayName).first() != nil {
                throw SCIMError(.conflict, "uniqueness", "displayName: a group named '\(input.displayName)' is already in the directory")
            }
            let members = try await write(input, to: group, on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: context.actor, action: .directoryGroupUpdated,
                                      targetType: "directory_group", targetID: group.id, targetLabel: group.name, details: "\(members.count) members")
            return members
        }
    }

    /// Groups have no history of their own worth keeping: the group and its edges go, the audit log remembers.
    func delete(_ group: DirectoryGroup) async throws {
        try await database.transaction { db in
            let groupID = try group.requireID()
            try await DirectoryGroupMember.query(on: db).group(.or) { $0.filter(\.$group.$id == groupID).filter(\.$memberGroup.$id == groupID) }.delete()
            try await group.delete(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: context.actor, action: .directoryGroupDeleted,
                                      targetType: "directory_group", targetID: groupID, targetLabel: group.name)
        }
    }

    /// Saves the group and makes its edges exactly `input.members`: only the difference is written.
    private func write(_ input: SCIMGroupInput, to group: DirectoryGroup, on db: any Database) async throws -> [Member] {
        group.name = input.displayName
        group.externalID = input.externalID
        group.source = .scim
        if group.id != nil { group.version += 1 }
        try await group.save(on: db)
        let groupID = try group.requireID()
        let wanted = try await resolve(input.members, on: db)
        let edges = try await DirectoryGroupMember.query(on: db).filter(\.$group.$id == groupID).all()
        var present = Set<Member>()
        for edge in edges {
            let member = edge.$user.id.map { Member(id: $0, kind: .user) } ?? edge.$memberGroup.id.map { Member(id: $0, kind: .group) }
            if let member, wanted.contains(member), present.insert(member).inserted { continue }
            try await edge.delete(on: db)
        }
        for member in wanted where !present.contains(member) {
            let edge = DirectoryGroupMember()
            edge.$group.id = groupID
            if member.kind == .user { edge.$user.id = member.id } else { edge.$memberGroup.id = member.id }
            try await edge.create(on: db)
        }
        return try await SCIMGroupRepresentation.members(of: [groupID], on: db)[groupID] ?? []
    }

    /// Each id as a user or group of this organization (the type, when given, decides); 400 naming an unknown one.
    private func resolve(_ members: [(id: UUID, type: String?)], on db: any Database) async throws -> Set<Member> {
        let ids = Array(Set(members.map(\.id)))
        var users = Set<UUID>(), groups = Set<UUID>()
        for chunk in ids.chunked(500) {
            let part = Array(chunk)
            users.formUnion(try await DirectoryUser.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$removedAt == nil)
                .filter(\.$id ~~ part).all().compactMap(\.id))
            groups.formUnion(try await DirectoryGroup.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$id ~~ part).all().compactMap(\.id))
        }
        return Set(try members.map { member in
            let type = member.type?.lowercased()
            if type != "group", users.contains(member.id) { return Member(id: member.id, kind: .user) }
            if type != "user", groups.contains(member.id) { return Member(id: member.id, kind: .group) }
            throw SCIMError.invalidValue("members: '\(member.id.uuidString)' is not a \(member.type ?? "user or group") of this directory")
        })
    }
}

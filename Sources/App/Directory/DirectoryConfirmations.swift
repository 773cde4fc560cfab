import Fluent
import Vapor

/// What the confirmation step says before a directory user or group is removed, or a group loses a member.
enum DirectoryConfirmations {
    @Sendable static func describeUserRemoval(_ req: Request, _: [String: String]) async throws -> Confirmation {
        let organizationID = try req.console.organizationID
        let user = try await DirectoryStore.user(req.parameters.get("id", as: UUID.self), in: organizationID, on: req.db)
        let groups = try await DirectoryStore.groupNames(ofUsers: [try user.requireID()], on: req.db)[try user.requireID()] ?? []
        return Confirmation(
            question: "Remove \(user.name) <\(user.email)> from the directory?",
            consequences: [groups.isEmpty ? "They are in no group." : "They leave \(groups.count == 1 ? "the group" : "the groups") \(groups.sorted().joined(separator: ", ")).",
                           "Client invitations already sent to them stay as they are; nobody is emailed.",
                           "You can add them again later, by hand or by import."],
            confirmLabel: "Remove \(user.name)", cancelPath: "/console/directory")
    }

    @Sendable static func describeGroupDeletion(_ req: Request, _: [String: String]) async throws -> Confirmation {
        let organizationID = try req.console.organizationID
        let group = try await DirectoryStore.group(req.parameters.get("id", as: UUID.self), in: organizationID, on: req.db)
        let members = try await DirectoryStore.memberCounts(ofGroups: [try group.requireID()], on: req.db)[try group.requireID()] ?? 0
        return Confirmation(
            question: "Delete the group \(group.name)?",
            consequences: ["The group and its \(members) direct \(members == 1 ? "membership" : "memberships") are deleted; the users stay in the directory.",
                           "Groups that contain \(group.name) no longer reach its members through it."],
            confirmLabel: "Delete \(group.name)", cancelPath: "/console/directory/groups/\(try group.requireID().uuidString)")
    }

    /// The member comes from the action's form (`user_id` or `member_group_id`), carried through the step.
    @Sendable static func describeMemberRemoval(_ req: Request, _ fields: [String: String]) async throws -> Confirmation {
        let organizationID = try req.console.organizationID
        let group = try await DirectoryStore.group(req.parameters.get("id", as: UUID.self), in: organizationID, on: req.db)
        let member: String
        if let id = fields["user_id"].flatMap(UUID.init(uuidString:)) {
            let user = try await DirectoryStore.user(id, in: organizationID, on: req.db, field: "user_id")
            member = "\(user.name) <\(user.email)>"
        } else if let id = fields["member_group_id"].flatMap(UUID.init(uuidString:)) {
            member = "the group \(try await DirectoryStore.group(id, in: organizationID, on: req.db, field: "member_group_id").name)"
        } else {
            throw Abort(.badRequest, reason: "member: choose a user or a group to remove")
        }
        return Confirmation(
            question: "Remove \(member) from \(group.name)?",
            consequences: ["Client invitations to \(group.name) no longer reach \(member) through it; nobody is emailed."],
            confirmLabel: "Remove from \(group.name)", cancelPath: "/console/directory/groups/\(try group.requireID().uuidString)")
    }
}

import Fluent
import HeraldCore
import Vapor

/// Reading and changing a group's auto-invite rules. Turning a rule on records the group's current members as
/// handled, so only people who join afterwards are invited; "invite group" covers the current ones.
enum DirectoryAutoInviteRules {
    /// The API's and the console's shape: join on or off, and the key of the install rule (nil: off).
    struct Settings: Content, Equatable {
        var join: Bool
        var install_license_key_id: UUID?
    }

    static func settings(of groupID: UUID, on db: any Database) async throws -> Settings {
        let rules = try await DirectoryGroupAutoInvite.query(on: db).filter(\.$group.$id == groupID).all()
        return Settings(join: rules.contains { $0.kind == .join },
                        install_license_key_id: rules.first { $0.kind == .install }?.$licenseKey.id)
    }

    static func save(_ settings: Settings, group: DirectoryGroup, actor: AuditActor, on db: any Database) async throws {
        let organizationID = group.$organization.id
        let installFor = try await keyName(settings.install_license_key_id, organizationID: organizationID, on: db).map { "for key '\($0)'" } ?? "off"
        do {
            try await db.transaction { db in
                try await apply(.join, on: settings.join, keyID: nil, group: group, on: db)
                try await apply(.install, on: settings.install_license_key_id != nil, keyID: settings.install_license_key_id, group: group, on: db)
                try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .directoryGroupUpdated,
                                          targetType: "directory_group", targetID: group.id, targetLabel: group.name,
                                          details: "auto-invite new members: join \(settings.join ? "on" : "off"), install \(installFor)")
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw Abort(.conflict, reason: "auto_invite: the group's rules changed meanwhile; reload and try again")
        }
    }

    private static func keyName(_ keyID: UUID?, organizationID: UUID, on db: any Database) async throws -> String? {
        guard let keyID else { return nil }
        guard let key = try await LicenseKey.query(on: db).filter(\.$id == keyID).filter(\.$organization.$id == organizationID).first() else {
            throw Abort(.badRequest, reason: "install_license_key_id: no such license key in this organization")
        }
        return key.name
    }

    private static func apply(_ kind: DirectoryGroupAutoInvite.Kind, on wanted: Bool, keyID: UUID?, group: DirectoryGroup, on db: any Database) async throws {
        let groupID = try group.requireID()
        let existing = try await DirectoryGroupAutoInvite.query(on: db).filter(\.$group.$id == groupID).filter(\.$kind == kind).first()
        switch (wanted, existing) {
        case (false, let rule?):
            try await rule.delete(on: db)
        case (true, let rule?):
            rule.$licenseKey.id = keyID
            try await rule.save(on: db)
        case (true, nil):
            let rule = DirectoryGroupAutoInvite()
            rule.$group.id = groupID
            rule.kind = kind
            rule.$licenseKey.id = keyID
            try await rule.create(on: db)
            try await markCurrentMembers(of: group, kind: kind, on: db)
        case (false, nil):
            break
        }
    }

    /// Everyone in the group now, disabled people included (enabling them later is not joining the group).
    private static func markCurrentMembers(of group: DirectoryGroup, kind: DirectoryGroupAutoInvite.Kind, on db: any Database) async throws {
        let groupID = try group.requireID()
        let structure = try await DirectoryStore.graph(of: group.$organization.id, on: db)
        let everyone = DirectoryGraph(people: structure.people.keys.map { DirectoryGraph.Person(id: $0, enabled: true) },
                                      memberUsers: structure.memberUsers, memberGroups: structure.memberGroups)
        let handled = Set(try await DirectoryAutoInvitation.query(on: db).filter(\.$groupID == groupID).filter(\.$kind == kind).all().map(\.userID))
        let rows = everyone.recipients(users: [], groups: [groupID]).filter { !handled.contains($0) }
            .map { DirectoryAutoInvitation(groupID: groupID, kind: kind, userID: $0) }
        for chunk in rows.chunked(500) { try await Array(chunk).create(on: db) }
    }
}

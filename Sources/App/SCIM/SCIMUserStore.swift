import Fluent
import Vapor

/// SCIM's writes to directory users. A person the identity provider deletes is kept, disabled and marked removed
/// (their history stays; SCIM answers 404 for them); creating them again revives the same row.
struct SCIMUserStore {
    let services: HeraldServices
    let context: SCIMContext
    let database: any Database

    init(_ req: Request) throws {
        services = req.herald
        context = try req.scim
        database = req.db
    }

    private var organizationID: UUID { context.organizationID }

    /// A user SCIM can see: this organization's, not removed.
    func find(_ id: String?) async throws -> DirectoryUser {
        guard let id = id.flatMap(UUID.init(uuidString:)),
              let user = try await DirectoryUser.query(on: database).filter(\.$id == id).filter(\.$organization.$id == organizationID)
                .filter(\.$removedAt == nil).first()
        else { throw SCIMError.notFound("Users") }
        return user
    }

    func create(_ input: SCIMUserInput) async throws -> DirectoryUser {
        try await Self.racing { try await database.transaction { db in
            let user = try await adoptable(input, on: db) ?? DirectoryUser()
            let adopted = user.id != nil
            let wasEnabled = adopted && user.removedAt == nil && user.enabled
            user.$organization.id = organizationID
            user.removedAt = nil
            try await write(input, to: user, wasEnabled: wasEnabled, on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: context.actor,
                                      action: adopted ? .directoryUserUpdated : .directoryUserCreated, targetType: "directory_user",
                                      targetID: user.id, targetLabel: user.email, details: adopted ? "provisioned by SCIM" : nil)
            return user
        } }
    }

    func replace(_ user: DirectoryUser, with input: SCIMUserInput) async throws {
        try await Self.racing { try await database.transaction { db in
            try await checkUnique(input, except: user, on: db)
            try await write(input, to: user, wasEnabled: user.enabled, on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: context.actor, action: .directoryUserUpdated,
                                      targetType: "directory_user", targetID: user.id, targetLabel: user.email,
                                      details: "enabled: \(user.enabled ? "yes" : "no")")
        } }
    }

    /// Two requests writing the same user name or email at once: the unique index decides, the loser gets SCIM's 409.
    private static func racing<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch where UniqueViolation.table(of: error) == DirectoryUser.schema {
            throw SCIMError(.conflict, "uniqueness", "userName or emails: written at the same moment by another request for another user")
        }
    }

    /// DELETE: disabled, out of every group, marked removed; invitations revoked (and membership blocked if chosen).
    func remove(_ user: DirectoryUser) async throws {
        try await database.transaction { db in
            let now = Date()
            user.enabled = false
            user.removedAt = now
            user.deactivatedAt = now
            user.deactivatedReason = "removed from the directory by SCIM"
            user.version += 1
            try await user.save(on: db)
            try await DirectoryGroupMember.query(on: db).filter(\.$user.$id == user.requireID()).delete()
            try await DirectoryDeprovisioning(services: services).apply(.removed, to: user, source: "SCIM", actor: context.actor, on: db)
        }
    }

    private func write(_ input: SCIMUserInput, to user: DirectoryUser, wasEnabled: Bool, on db: any Database) async throws {
        input.apply(to: user)
        if input.active {
            user.deactivatedAt = nil
            user.deactivatedReason = nil
        } else if wasEnabled {
            user.deactivatedAt = Date()
            user.deactivatedReason = "disabled in the directory by SCIM"
        }
        // A new row starts at version 1; each later write raises it.
        if user.id != nil { user.version += 1 }
        try await user.save(on: db)
        if wasEnabled, !input.active {
            try await DirectoryDeprovisioning(services: services).apply(.disabled, to: user, source: "SCIM", actor: context.actor, on: db)
        }
    }

    /// The row a POST takes over: one removed earlier with this user name or email, or a person added by hand or CSV
    /// with this email (switching an organization to SCIM keeps its people). A live SCIM user with either is a 409.
    private func adoptable(_ input: SCIMUserInput, on db: any Database) async throws -> DirectoryUser? {
        let candidates = try await DirectoryUser.query(on: db).filter(\.$organization.$id == organizationID)
            .group(.or) { $0.filter(\.$userName == input.userName).filter(\.$email == input.email) }.all()
        if let taken = candidates.first(where: { $0.removedAt == nil && $0.userName == input.userName }) {
            throw SCIMError(.conflict, "uniqueness", "userName: '\(input.userName)' is already in the directory (id \(taken.id?.uuidString ?? ""))")
        }
        if candidates.contains(where: { $0.removedAt == nil && $0.email == input.email && $0.userName != nil }) {
            throw SCIMError(.conflict, "uniqueness", "emails: \(input.email) belongs to another user in the directory")
        }
        let chosen = candidates.first { $0.email == input.email } ?? candidates.first
        for other in candidates where other !== chosen && other.userName == input.userName {
            // A removed row keeps its history but gives up the user name.
            other.userName = nil
            try await other.save(on: db)
        }
        return chosen
    }

    private func checkUnique(_ input: SCIMUserInput, except user: DirectoryUser, on db: any Database) async throws {
        let userID = try user.requireID()
        let others = try await DirectoryUser.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$id != userID)
            .group(.or) { $0.filter(\.$userName == input.userName).filter(\.$email == input.email) }.all()
        for other in others {
            if other.userName == input.userName {
                guard other.removedAt != nil else { throw SCIMError(.conflict, "uniqueness", "userName: '\(input.userName)' is already in the directory") }
                other.userName = nil
                try await other.save(on: db)
            }
            if other.email == input.email {
                throw SCIMError(.conflict, "uniqueness", "emails: \(input.email) belongs to another \(other.removedAt == nil ? "" : "(removed) ")user in the directory")
            }
        }
    }
}

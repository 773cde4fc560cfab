import Fluent
import Vapor

/// Which license keys a console user may act on: an account administrator all of the organization's keys,
/// a license administrator (a Regular Member granted keys) only those, anyone else none.
enum LicenseAccess {
    enum Scope: Equatable {
        case all
        case only(Set<UUID>)

        func allows(_ keyID: UUID) -> Bool {
            switch self {
            case .all: true
            case .only(let ids): ids.contains(keyID)
            }
        }
    }

    static func scope(for context: ConsoleContext, on db: any Database) async throws -> Scope {
        if context.isAdministrator { return .all }
        let grants = try await LicenseKeyAdministrator.query(on: db)
            .filter(\.$membership.$id == context.membership.requireID())
            .all()
        return .only(Set(grants.map(\.$licenseKey.id)))
    }

    /// The key, if it belongs to the current organization and the user may act on it; 404 otherwise, so that
    /// a key of another organization and a key one may not see look the same.
    static func key(_ id: UUID?, context: ConsoleContext, on db: any Database) async throws -> LicenseKey {
        guard let id, let key = try await LicenseKey.query(on: db)
            .filter(\.$id == id).filter(\.$organization.$id == context.organizationID).first(),
            try await scope(for: context, on: db).allows(id)
        else {
            throw Abort(.notFound, reason: "license key: not found in your organization, or not yours to manage")
        }
        return key
    }

    /// Pages license administrators may open: 403 for a Regular Member with no keys.
    static func requireSomeAccess(_ context: ConsoleContext, on db: any Database) async throws {
        if case .only(let ids) = try await scope(for: context, on: db), ids.isEmpty {
            throw Abort(.forbidden, reason: "Only account administrators and license administrators can open this page.")
        }
    }
}

import PostgresNIO
import SQLiteNIO
import Vapor

/// A request that lost a race for a unique row (two parallel creates of the same directory user, invitation,
/// account or membership) gets 409 with a reason a person understands, on SQLite and PostgreSQL alike. Checks before
/// an insert cannot close the race: only the database's unique index decides, and its error carries SQL wording.
enum UniqueViolation {
    static func abort(for error: any Error) -> Abort? {
        guard let table = table(of: error) else { return nil }
        return Abort(.conflict, reason: reasons[table] ?? "this was created at the same moment by another request; reload the page to see it")
    }

    /// What already exists, by table (the one name both databases report).
    static let reasons: [String: String] = [
        "directory_users": "email: this address is already in the directory",
        "directory_groups": "name: a group with this name already exists",
        "directory_group_members": "member: is already in this group",
        "invitations": "email: a pending invitation to this address exists already; resend it instead",
        "accounts": "email: an account with this address exists already; sign in instead",
        "memberships": "this person is already a member of the organization",
        "organizations": "name: an organization with this name exists already",
        "license_key_administrators": "this member already administers this key",
        "dkim_keys": "selector: another key of this domain was created or activated at the same moment; reload the page to see it",
    ]

    /// The table of a unique violation, or nil for any other error.
    static func table(of error: any Error) -> String? {
        switch error {
        case let error as SQLiteError:
            // "UNIQUE constraint failed: directory_users.organization_id, directory_users.email"
            let marker = "UNIQUE constraint failed: "
            guard [.constraint, .constraintUniqueFailed, .constraintPrimaryKeyFailed].contains(error.reason),
                  let range = error.message.range(of: marker) else { return nil }
            return String(error.message[range.upperBound...].prefix { $0 != "." })
        case let error as PSQLError:
            guard error.serverInfo?[.sqlState] == "23505" else { return nil }
            return error.serverInfo?[.tableName] ?? ""
        default:
            return nil
        }
    }
}

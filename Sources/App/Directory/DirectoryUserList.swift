import Fluent
import Vapor

/// The organization's directory users as the console, the API and the CSV export read them: by name, or by email
/// when searching by the start of an address (`?q=`), paged by keyset on an index either way.
struct DirectoryUserList: Sendable {
    let emailPrefix: String

    static let byName = ListOrdering<DirectoryUser>(name: "directory-users.name", column: "name", kind: .text, descending: false) { .text($0.name) }
    static let byEmail = ListOrdering<DirectoryUser>(name: "directory-users.email", column: "email", kind: .bytes, descending: false) { .text($0.email) }

    init(_ req: Request) throws {
        emailPrefix = try req.queryText("q").trimmingCharacters(in: .whitespaces).lowercased()
    }

    var ordering: ListOrdering<DirectoryUser> { emailPrefix.isEmpty ? Self.byName : Self.byEmail }

    func query(organizationID: UUID, on db: any Database) throws -> QueryBuilder<DirectoryUser> {
        let query = DirectoryUser.query(on: db).filter(\.$organization.$id == organizationID)
        return emailPrefix.isEmpty ? query : try Self.byEmail.prefix(emailPrefix, of: query)
    }

    /// The whole filtered list as CSV (the import's columns: name, email, groups), streamed.
    func export(organizationID: UUID, for req: Request) -> Response {
        let list = self
        return ListExport(header: ["name", "email", "groups", "enabled"], ordering: ordering,
                          query: { db in try list.query(organizationID: organizationID, on: db) }, pageCells: { users, db in
            let groups = try await DirectoryStore.groupNames(ofUsers: users.map { try $0.requireID() }, on: db)
            return try users.map { user in
                [user.name, user.email, (groups[try user.requireID()] ?? []).sorted().joined(separator: ";"), user.enabled ? "yes" : "no"]
            }
        }).response(for: req, filename: "directory-users.csv")
    }
}

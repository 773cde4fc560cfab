import Fluent
import Vapor

/// The organization's local directory: users and groups that client invitations are sent to.
enum DirectoryController {
    struct ViewModel: Encodable {
        let users: [[String: String]]
        let groups: [String]
    }

    static func show(_ req: Request) async throws -> View {
        let organizationID = try req.console.organization.id!
        let users = try await DirectoryUser.query(on: req.db).filter(\.$organization.$id == organizationID).sort(\.$name).all()
            .map { ["name": $0.name, "email": $0.email, "enabled": $0.enabled ? "yes" : "no"] }
        let groups = try await DirectoryGroup.query(on: req.db).filter(\.$organization.$id == organizationID).sort(\.$name).all().map(\.name)
        return try await req.renderPage("directory", section: .directory, ViewModel(users: users, groups: groups))
    }
}

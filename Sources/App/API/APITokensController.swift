import Fluent
import Vapor

/// Console page to create and revoke API tokens. A new token is shown once, right after creation.
struct APITokensController {
    struct Row: Encodable {
        let id: String
        let name: String
        let owner: String
        let created: String
        let lastUsed: String
        let scope: String
        let revoked: Bool
    }

    struct ViewModel: Encodable {
        let rows: [Row]
        let newToken: String?
    }

    func list(_ req: Request) async throws -> View {
        let organizationID = try req.console.organizationID
        let newToken = req.session.data["new_api_token"]
        req.session.data["new_api_token"] = nil
        let rows = try await APITokenService.list(organizationID: organizationID, on: req.db).map {
            Row(id: try $0.requireID().uuidString, name: $0.name, owner: $0.account.email, created: DisplayDate.format($0.createdAt),
                lastUsed: DisplayDate.format($0.lastUsedAt), scope: $0.scope.rawValue, revoked: $0.revokedAt != nil)
        }
        return try await req.renderPage("api-tokens", section: .apiTokens, ViewModel(rows: rows, newToken: newToken))
    }

    struct CreateForm: Content {
        var name: String
        var scope: String?
    }

    func create(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(CreateForm.self)
        // This route asks for a recent password (RecentAuthenticationMiddleware), so either scope may be made here.
        let created = try await APITokenService.create(
            name: form.name, scope: try APITokenScope.parse(form.scope, field: "scope"), organizationID: context.organizationID, accountID: context.accountID, actor: context.actor, on: req.db
        )
        req.session.data["new_api_token"] = created.token
        req.flash("API token '\(created.record.name)' (\(created.record.scope.rawValue) scope) created. Copy it now: it will not be shown again.")
        return req.redirect(to: "/console/api-tokens")
    }

    /// Names the token and its owner for the confirmation step.
    func describeRevoke(_ req: Request, _: [String: String]) async throws -> Confirmation {
        let token = try await OrganizationTokens.consoleToken(APIToken.self, req)
        let owner = try await token.$account.get(on: req.db)
        return OrganizationTokens.revokeConfirmation(
            of: token, users: "Programs that use it (created by \(owner.email), \(token.lastUseDescription)) are refused from now on.",
            replacement: "give it to the programs", cancelPath: "/console/api-tokens")
    }

    func revoke(_ req: Request) async throws -> Response {
        try await OrganizationTokens.revokeFromConsole(APIToken.self, req, returnTo: "/console/api-tokens")
    }
}

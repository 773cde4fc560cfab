import Fluent
import Vapor

struct TokenCommands: AsyncCommandGroup {
    let help = "Manage API tokens"
    let commands: [String: any AnyAsyncCommand] = [
        "create": TokenCreateCommand(),
        "revoke": TokenRevokeCommand(),
        "list": TokenListCommand(),
    ]
}

struct TokenSignature: OrganizationSignature {
    @Option(name: "organization", help: "The organization's name") var organization: String?
    @Option(name: "name", help: "A label for the token, e.g. 'ci'") var name: String?
    @Option(name: "scope", help: "create: standard (the default) or administration (also mail, SSO, webhook, token and LDAP settings, promotions)")
    var scope: String?
    init() {}
}

/// `herald token create --organization NAME --name LABEL [--scope administration]` prints the token once.
struct TokenCreateCommand: OrganizationCommand {
    typealias Signature = TokenSignature
    let help = "Create an API token (printed once) acting as the organization's first administrator"

    func run(for organization: Organization, using context: CommandContext, signature: TokenSignature) async throws {
        let app = context.application
        let organizationID = try organization.requireID()
        guard let administrator = try await Membership.query(on: app.db).filter(\.$organization.$id == organizationID)
            .filter(\.$role == .administrator).filter(\.$status == .active).sort(\.$createdAt).first() else {
            throw CommandError.usage("--organization: '\(organization.name)' has no active administrator to own the token")
        }
        guard let scope = APITokenScope.parse(signature.scope) else { throw CommandError.usage("--scope: \(APITokenScope.choices)") }
        let created = try await APITokenService.create(
            name: signature.name ?? "", scope: scope, organizationID: organizationID, accountID: administrator.$account.id,
            actor: .commandLine, on: app.db
        )
        context.console.print(created.token)
    }
}

struct TokenRevokeCommand: OrganizationCommand {
    typealias Signature = TokenSignature
    let help = "Revoke every active API token with this name"

    func run(for organization: Organization, using context: CommandContext, signature: TokenSignature) async throws {
        let app = context.application
        let organizationID = try organization.requireID()
        let name = try APITokenService.validateName(signature.name ?? "")
        let tokens = try await APIToken.query(on: app.db).filter(\.$organization.$id == organizationID)
            .filter(\.$name == name).filter(\.$revokedAt == nil).all()
        guard !tokens.isEmpty else { throw CommandError.usage("--name: no active token named '\(name)'") }
        for token in tokens {
            _ = try await APITokenService.revoke(id: try token.requireID(), organizationID: organizationID, actor: .commandLine, on: app.db)
        }
        context.console.print("Revoked \(tokens.count) token(s) named '\(name)'.")
    }
}

struct TokenListCommand: OrganizationCommand {
    typealias Signature = TokenSignature
    let help = "List the organization's API tokens"

    func run(for organization: Organization, using context: CommandContext, signature: TokenSignature) async throws {
        let app = context.application
        let organizationID = try organization.requireID()
        for token in try await APITokenService.list(organizationID: organizationID, on: app.db) {
            let state = token.revokedAt == nil ? "active" : "revoked"
            context.console.print("\(token.name)\t\(state)\t\(token.scope.rawValue)\t\(token.account.email)\t\(DisplayDate.format(token.createdAt))")
        }
    }
}

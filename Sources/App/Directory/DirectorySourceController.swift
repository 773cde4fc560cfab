import Fluent
import Vapor

/// The directory page's "Source" section: how the directory is provisioned, the deprovisioning option, and the SCIM
/// base URL and tokens (a new token is shown once, right after creation).
struct DirectorySourceController {
    struct TokenRow: Encodable {
        let id: String
        let name: String
        let created: String
        let lastUsed: String
        let revoked: Bool
    }

    struct Section: Encodable {
        let provisioning: String
        /// "This directory is provisioned by SCIM from your identity provider." and the like.
        let summary: String
        let blockMembers: Bool
        let scimBaseURL: String
        let tokens: [TokenRow]
        let newToken: String?
    }

    static func section(_ req: Request, organizationID: UUID) async throws -> Section {
        let settings = try await DirectorySettingsStore.settings(of: organizationID, on: req.db)
        let newToken = req.session.data["new_scim_token"]
        req.session.data["new_scim_token"] = nil
        let tokens = try await SCIMTokenService.list(organizationID: organizationID, on: req.db).map {
            TokenRow(id: try $0.requireID().uuidString, name: $0.name, created: DisplayDate.format($0.createdAt),
                     lastUsed: DisplayDate.format($0.lastUsedAt), revoked: $0.revokedAt != nil)
        }
        var root = req.herald.configuration.publicURL.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        return Section(provisioning: settings.provisioning.rawValue, summary: summary(settings.provisioning),
                       blockMembers: settings.blockMembersOnDeprovision, scimBaseURL: root + "/scim/v2", tokens: tokens, newToken: newToken)
    }

    static func summary(_ provisioning: DirectoryProvisioning) -> String {
        switch provisioning {
        case .csv: "This directory is kept by hand and by CSV import."
        case .ldap: "This directory is provisioned by LDAP sync from your directory server. People and groups it wrote change only there."
        case .scim: "This directory is provisioned by SCIM from your identity provider. People and groups it wrote change only there."
        }
    }

    struct SettingsForm: Content {
        var provisioning: String
        var block_members_on_deprovision: String?
    }

    func saveSettings(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(SettingsForm.self)
        return try await DirectoryController.change(req) {
            guard let provisioning = DirectoryProvisioning(rawValue: form.provisioning) else {
                throw Abort(.badRequest, reason: "provisioning: must be csv, ldap or scim")
            }
            try await DirectorySettingsStore.save(provisioning: provisioning, blockMembersOnDeprovision: form.block_members_on_deprovision != nil,
                                                  organizationID: context.organizationID, actor: context.actor, on: req.db)
            return Self.summary(provisioning)
        }
    }

    struct TokenForm: Content { var name: String }

    func createToken(_ req: Request) async throws -> Response {
        let context = try req.console
        let form = try req.content.decode(TokenForm.self)
        return try await DirectoryController.change(req) {
            let created = try await SCIMTokenService.create(name: form.name, organizationID: context.organizationID, actor: context.actor, on: req.db)
            req.session.data["new_scim_token"] = created.token
            return "SCIM token '\(created.record.name)' created. Copy it into your identity provider now: it will not be shown again."
        }
    }

    static func describeRevoke(_ req: Request, _: [String: String]) async throws -> Confirmation {
        let token = try await OrganizationTokens.consoleToken(SCIMToken.self, req)
        return OrganizationTokens.revokeConfirmation(
            of: token, users: "The identity provider that uses it (\(token.lastUseDescription)) is refused from now on, and its changes stop reaching Herald.",
            replacement: "enter it in the identity provider", cancelPath: "/console/directory")
    }

    func revokeToken(_ req: Request) async throws -> Response {
        try await OrganizationTokens.revokeFromConsole(SCIMToken.self, req, returnTo: "/console/directory")
    }
}

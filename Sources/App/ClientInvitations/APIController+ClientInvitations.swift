import Fluent
import HeraldCore
import Vapor

/// `POST /api/v1/client-invitations`: the wizard in one request.
extension APIController {
    struct ClientInvitationBody: Content {
        var device_types: [String]
        var server: String
        var port: FlexibleString?
        var connection_mode: FlexibleString?
        var authentication: String?
        var credential_provider: String?
        /// Emails or ids of directory users.
        var users: [String]?
        /// Names or ids of directory groups.
        var groups: [String]?
        var language: String?
        var subject: String?
        var template: String?
    }

    struct ClientInvitationResponse: Content {
        let batchID: UUID
        let recipients: Int
        let deviceTypes: [String]
        let warnings: [String]
        /// Recipients not invited, each "address: reason" (suppressed addresses).
        let refused: [String]
        /// Where to follow delivery: counts per status for this batch.
        let progress: String
    }

    func createClientInvitations(_ req: Request) async throws -> Response {
        let context = try req.api
        let body = try req.content.decode(ClientInvitationBody.self)
        guard let organization = try await Organization.find(context.organizationID, on: req.db) else { throw Abort(.notFound) }
        let request = try await ClientInvitationRequest.resolving(
            deviceTypes: body.device_types, server: body.server, port: body.port?.value ?? "443",
            mode: body.connection_mode?.value ?? "gateway-ssl", authentication: body.authentication ?? "credentials",
            credentialProvider: body.credential_provider ?? "", users: body.users ?? [], groups: body.groups ?? [],
            language: body.language, subject: body.subject, template: body.template, organizationID: context.organizationID, on: req.db)
        let plan = try await ClientInvitationPlanner.plan(request, organization: organization, catalog: req.herald.catalog, publicURL: req.herald.configuration.publicURL, on: req.db)
        let sent = try await ClientInvitations(mailer: req.herald.mailer).send(plan, inviter: context.account, actor: context.actor, on: req.db)
        return try await ClientInvitationResponse(
            batchID: sent.batchID, recipients: sent.recipients, deviceTypes: sent.deviceTypes, warnings: sent.warnings, refused: sent.refused,
            progress: "/api/v1/outbox?batch=\(sent.batchID.uuidString)"
        ).encodeResponse(status: .accepted, for: req)
    }
}

/// A JSON value that may be written as a string or a number (`"port": 443` or `"port": "443"`, `"connection_mode": 2`).
struct FlexibleString: Codable, Sendable {
    let value: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) { value = text } else { value = String(try container.decode(Int.self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension ClientInvitationRequest {
    /// Builds a request from names people type (emails, group names, `gateway-ssl`), as the API and the CLI take them.
    static func resolving(deviceTypes: [String], server: String, port: String, mode: String, authentication: String,
                          credentialProvider: String, users: [String], groups: [String], language: String?,
                          subject: String?, template: String?, organizationID: UUID, on db: any Database) async throws -> ClientInvitationRequest {
        let directoryUsers = try await DirectoryStore.users(of: organizationID, on: db)
        let directoryGroups = try await DirectoryStore.groups(of: organizationID, on: db)
        let userIDs = try users.map { key in
            let wanted = key.trimmingCharacters(in: .whitespaces)
            guard let user = directoryUsers.first(where: { $0.email == wanted.lowercased() || $0.id?.uuidString.lowercased() == wanted.lowercased() }) else {
                throw Abort(.badRequest, reason: "users: '\(wanted)' is not a user in the directory")
            }
            return try user.requireID()
        }
        let groupIDs = try groups.map { key in
            let wanted = key.trimmingCharacters(in: .whitespaces)
            guard let group = directoryGroups.first(where: { $0.name == wanted || $0.id?.uuidString.lowercased() == wanted.lowercased() }) else {
                throw Abort(.badRequest, reason: "groups: '\(wanted)' is not a group in the directory")
            }
            return try group.requireID()
        }
        var parsedLanguage = Language.en
        if let language {
            guard let known = Language(code: language) else {
                throw Abort(.badRequest, reason: "language: '\(language)' is not one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            parsedLanguage = known
        }
        return ClientInvitationRequest(
            connection: .init(deviceTypes: deviceTypes, server: server, port: port, mode: mode, authentication: authentication,
                              credentialProvider: credentialProvider),
            userIDs: userIDs, groupIDs: groupIDs, language: parsedLanguage, subject: subject, template: template)
    }
}

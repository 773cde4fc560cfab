import Fluent
import Vapor

/// `/api/v1/mail-settings` and `/api/v1/outbox`.
extension APIController {
    struct MailSettingsDTO: Content {
        let transport: String
        let server: String?
        let senderAddress: String
        let senderName: String?
        let tlsMode: String
        let minimumTLSVersion: String
        let verifyCertificates: Bool
        /// The trusted private CA, as PEM.
        let caCertificate: String?
        let requiresAuthentication: Bool
        let username: String?
        /// The password itself is write-only.
        let hasPassword: Bool
    }

    func mailSettings(_ req: Request) async throws -> MailSettingsDTO {
        Self.dto(try await MailSettingsStore.settings(for: req.api.organizationID, on: req.db))
    }

    func updateMailSettings(_ req: Request) async throws -> MailSettingsDTO {
        let context = try req.api
        let input = try req.content.decode(MailSettingsInput.self)
        let problems = input.problems(servers: req.herald.configuration.smtpServers)
        guard problems.isEmpty else { throw Abort(.unprocessableEntity, reason: problems.joined(separator: "; ")) }
        try await MailSettingsStore.save(input, organizationID: context.organizationID, actor: context.actor, secretBox: req.herald.secretBox, on: req.db)
        return Self.dto(try await MailSettingsStore.settings(for: context.organizationID, on: req.db))
    }

    struct TestRequest: Content {
        var to: String
    }

    func sendTestEmail(_ req: Request) async throws -> [TestEmail.Result] {
        let context = try req.api
        let body = try req.content.decode(TestRequest.self)
        guard let organization = try await Organization.find(context.organizationID, on: req.db) else { throw Abort(.notFound) }
        return try await req.herald.testEmail.send(to: body.to, organization: organization, on: req.db)
    }

    struct OutboxDTO: Content {
        struct Message: Content {
            let id: UUID
            let to: String
            let subject: String
            let status: OutboxStatus
            let attempts: Int
            let nextAttemptAt: Date?
            let lastError: String?
            let sentAt: Date?
            let batchID: UUID?
        }

        let counts: [String: Int]
        let messages: [Message]
    }

    /// Counts per status and a page of messages, newest first (`?cursor=`, `?limit=` up to 1,000, default 100; `Link`
    /// names the next and previous pages); `?batch=` narrows both to one batch (its progress), `?status=`, `?from=`,
    /// `?to=` filter the messages.
    func outbox(_ req: Request) async throws -> Response {
        let organizationID = try req.api.organizationID
        let filter = try OutboxList(req)
        let list = try ListRequest(req, defaultLimit: Self.defaultListLimit)
        let counts = try await OutboxQueries.counts(organizationID: organizationID, batchID: filter.batch, on: req.db)
        let page = try await list.page(filter.query(organizationID: organizationID, on: req.db), OutboxList.newestFirst)
        let messages = try page.rows.map {
            OutboxDTO.Message(id: try $0.requireID(), to: $0.recipients, subject: $0.subject, status: $0.status, attempts: $0.attempts,
                              nextAttemptAt: $0.status == .deferred ? $0.nextAttemptAt : nil, lastError: $0.lastError,
                              sentAt: $0.sentAt, batchID: $0.batchID)
        }
        let response = try await OutboxDTO(counts: counts, messages: messages).encodeResponse(for: req)
        list.setLinks(page, on: response)
        return response
    }

    /// `GET /api/v1/outbox/export.csv`: the filtered outbox in full, streamed.
    func exportOutbox(_ req: Request) async throws -> Response {
        try OutboxList(req).export(organizationID: try req.api.organizationID, for: req)
    }

    private static func dto(_ settings: MailSettings) -> MailSettingsDTO {
        MailSettingsDTO(
            transport: settings.transport, server: settings.host.map { "\($0):\(settings.port ?? 25)" },
            senderAddress: settings.senderAddress, senderName: settings.senderName, tlsMode: settings.tlsMode,
            minimumTLSVersion: settings.minimumTLSVersion, verifyCertificates: settings.verifyCertificates,
            caCertificate: settings.caCertificate, requiresAuthentication: settings.requiresAuthentication, username: settings.username,
            hasPassword: settings.passwordCiphertext != nil
        )
    }
}

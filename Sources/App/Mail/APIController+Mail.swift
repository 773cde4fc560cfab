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

    /// Status per message and counts per status; `?batch=` narrows both to one batch (its progress).
    func outbox(_ req: Request) async throws -> OutboxDTO {
        let organizationID = try req.api.organizationID
        let batch = try? req.query.get(UUID.self, at: "batch")
        let status = try (try? req.query.get(String.self, at: "status")).map { text in
            guard let status = OutboxStatus(rawValue: text) else {
                throw Abort(.badRequest, reason: "status: must be one of \(OutboxStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return status
        }
        func scoped() -> QueryBuilder<OutboxMessage> {
            let query = OutboxMessage.query(on: req.db).filter(\.$organization.$id == organizationID)
            return batch.map { query.filter(\.$batchID == $0) } ?? query
        }
        let counts = try await OutboxQueries.counts(organizationID: organizationID, batchID: batch, on: req.db)
        var query = scoped()
        if let status { query = query.filter(\.$status == status) }
        let messages = try await query.sort(\.$createdAt, .descending).limit(200)
            .field(\.$id).field(\.$recipients).field(\.$subject).field(\.$status).field(\.$attempts)
            .field(\.$nextAttemptAt).field(\.$lastError).field(\.$sentAt).field(\.$batchID).field(\.$createdAt)
            .all()
            .map { OutboxDTO.Message(id: try $0.requireID(), to: $0.recipients, subject: $0.subject, status: $0.status, attempts: $0.attempts,
                                     nextAttemptAt: $0.status == .deferred ? $0.nextAttemptAt : nil, lastError: $0.lastError,
                                     sentAt: $0.sentAt, batchID: $0.batchID) }
        return OutboxDTO(counts: counts, messages: messages)
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

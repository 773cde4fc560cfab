import Fluent
import Foundation
import MIME
import SMTP
import Vapor

/// "Send test email": sends straight away with the organization's settings and reports each address's result.
///
/// Unlike invitations this does not go through the outbox: its whole point is to show the administrator,
/// now, what the server answers for each address.
struct TestEmail: Sendable {
    /// The wording and the composer (the outbox is not used).
    let mailer: Mailer
    /// The spool folder and each organization's server settings.
    let resolver: TransportResolver
    let group: any EventLoopGroup
    let logger: Logger

    struct Result: Content, Equatable {
        let address: String
        let accepted: Bool
        /// The server's reply ("250 2.0.0 Ok: queued") or the error, with code and text.
        let detail: String
    }

    /// Splits "a@example.com; b@example.com" and validates each address, naming any bad one.
    static func recipients(_ raw: String) throws -> [EmailAddress] {
        let parts = raw.split(whereSeparator: { $0 == ";" || $0 == "," }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { throw Abort(.badRequest, reason: "to: enter at least one address (separate several with ;)") }
        guard parts.count <= 20 else { throw Abort(.badRequest, reason: "to: at most 20 addresses per test") }
        return try parts.map { part in
            do { return try EmailAddress(part) } catch { throw Abort(.badRequest, reason: "to: \(error)") }
        }
    }

    static func content(organization: Organization, language: Language, catalog: MessageCatalog) -> EmailContent {
        let arguments = ["organization": organization.name]
        return EmailContent(
            subject: catalog.text("mail.test.subject", language, arguments), paragraphs: [catalog.text("mail.test.body", language, arguments)],
            footer: catalog.text("mail.footer", language, arguments)
        )
    }

    /// Seconds per SMTP reply while a person waits for the test result.
    static let replyTimeout: TimeInterval = 20

    func send(to addresses: [EmailAddress], organization: Organization, language: Language = .en, on db: any Database) async throws -> [Result] {
        let settings = try await MailSettingsStore.settings(for: try organization.requireID(), on: db)
        let sender = try Mailbox(address: EmailAddress(settings.senderAddress), displayName: settings.senderName)
        let catalog = try await mailer.catalog(for: try organization.requireID(), on: db)
        let content = Self.content(organization: organization, language: language, catalog: catalog)
        let messages = try addresses.map { address in
            let message = mailer.composer.mail(content, from: sender, to: Mailbox(address: address), organizationID: organization.id).message
            return ClaimedMessage(id: UUID(), organizationID: organization.id, mailFrom: sender.address.description,
                                  recipients: [address.description], raw: try mailer.composer.renderer.render(message.withStoredTextScrubbed()), attempts: 1, createdAt: Date())
        }
        guard settings.transport == "smtp" else {
            let outcomes = await FileMailTransport(folder: resolver.spoolFolder).deliver(messages)
            return zip(addresses, outcomes).map { address, outcome in
                Result(address: address.description, accepted: outcome == .sent, detail: outcome == .sent ? "written to \(resolver.spoolFolder)" : "\(outcome)")
            }
        }
        let configuration: SMTPServerConfiguration
        switch resolver.serverConfiguration(settings) {
        case .success(let value): configuration = value
        case .failure(let reason): throw Abort(.unprocessableEntity, reason: "server: \(reason)")
        }
        return try await withTimeout(seconds: 60) {
            try await sendDirectly(messages, addresses: addresses, configuration: configuration)
        }
    }

    private func sendDirectly(_ messages: [ClaimedMessage], addresses: [EmailAddress], configuration: SMTPServerConfiguration) async throws -> [Result] {
        var shortTimeouts = configuration
        // A person is waiting for the page: fail within seconds, not RFC 5321's minutes; a peer that never speaks
        // SMTP (a stalled port, another service) ends here as "no SMTP greeting in time".
        let seconds = min(Self.replyTimeout, resolver.replyTimeout ?? Self.replyTimeout)
        shortTimeouts.timeouts = .uniform(.milliseconds(Int64(seconds * 1000)))
        let connection: SMTPConnection
        do {
            connection = try await SMTPConnection.connect(to: shortTimeouts, group: group, logger: logger)
        } catch {
            return addresses.map { Result(address: $0.description, accepted: false, detail: error.reportForAdministrators) }
        }
        let results = await connection.send(messages.map {
            SMTPEnvelope(sender: $0.mailFrom, recipients: $0.recipients, message: ByteBuffer(bytes: $0.raw))
        })
        await connection.close()
        return zip(addresses, results).map { address, result in
            switch result {
            case .success(let receipt): Result(address: address.description, accepted: true, detail: receipt.reply.description)
            case .failure(let error): Result(address: address.description, accepted: false, detail: error.reportForAdministrators)
            }
        }
    }
}

/// Runs `body`, failing with 504 if it takes longer than `seconds`.
///
/// Answers at the deadline even when `body` does not react to cancellation (a NIO connect or reply in progress):
/// a task group would wait for it, so the person would wait too. `body` is cancelled and ends on its own timeouts.
func withTimeout<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let first = FirstOutcome(continuation)
        let work = Task {
            do { first.finish(.success(try await body())) } catch { first.finish(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            work.cancel()
            first.finish(.failure(Abort(.gatewayTimeout, reason: "the mail server did not answer within \(Int(seconds)) seconds")))
        }
    }
}

/// Resumes a continuation with whichever outcome comes first; later ones are dropped.
private final class FirstOutcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?

    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = continuation }

    func finish(_ result: Result<T, any Error>) {
        lock.lock()
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume(with: result)
    }
}

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

    /// What happened to one address of the test.
    enum Outcome: String, Content, Equatable {
        /// The server accepted it (or it was written to the spool folder).
        case sent
        /// The server refused it; `detail` has its reply.
        case refused
        /// Not an email address; nothing was sent to it.
        case invalid
        /// The server could not be reached or the session failed before the address was tried.
        case failed
    }

    struct Result: Content, Equatable {
        let address: String
        let outcome: Outcome
        /// `outcome == .sent`, kept for API clients written before `outcome`.
        let accepted: Bool
        /// The server's reply ("250 2.0.0 Ok: queued"), why the address is not valid, or why the session failed.
        let detail: String

        init(address: String, outcome: Outcome, detail: String) {
            self.address = address
            self.outcome = outcome
            self.accepted = outcome == .sent
            self.detail = detail
        }
    }

    /// One entry of the list as typed: an address, or the text and why it is not one.
    enum Recipient: Equatable {
        case valid(EmailAddress)
        case invalid(String, reason: String)
    }

    /// Splits "a@example.com; not-an-address" into entries; each is sent to or reported on its own. Only an empty
    /// list or one of more than 20 entries is refused as a whole.
    static func recipients(_ raw: String) throws -> [Recipient] {
        let parts = raw.split(whereSeparator: { $0 == ";" || $0 == "," || $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { throw Abort(.badRequest, reason: "to: enter at least one address (separate several with ;)") }
        guard parts.count <= 20 else { throw Abort(.badRequest, reason: "to: at most 20 addresses per test") }
        return parts.map { part in
            do {
                return .valid(try EmailAddress(part))
            } catch {
                // The outcome already says "invalid"; the detail says why ("'x' has no '@'").
                return .invalid(part, reason: "\(error)")
            }
        }
    }

    /// "a@example.com: sent, x: invalid" for the audit log.
    static func summary(_ results: [Result]) -> String {
        results.map { "\($0.address): \($0.outcome.rawValue)" }.joined(separator: ", ")
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

    /// Sends to every valid entry of `raw` and reports every entry, in the order typed.
    func send(to raw: String, organization: Organization, language: Language = .en, on db: any Database) async throws -> [Result] {
        let recipients = try Self.recipients(raw)
        let addresses = recipients.compactMap { if case .valid(let address) = $0 { address } else { nil } }
        var sent = addresses.isEmpty ? [] : try await send(to: addresses, organization: organization, language: language, on: db)[...]
        return recipients.map { recipient in
            switch recipient {
            case .valid: sent.removeFirst()
            case .invalid(let text, let reason): Result(address: text, outcome: .invalid, detail: reason)
            }
        }
    }

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
                // The spool folder is a path on the server: named in the server's configuration, never in a page.
                Result(address: address.description, outcome: outcome.isSent ? .sent : .failed,
                       detail: outcome.isSent ? "written to the mail spool folder (file transport)" : "\(outcome)")
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
            return addresses.map { Result(address: $0.description, outcome: .failed, detail: error.reportForAdministrators) }
        }
        let results = await connection.send(messages.map {
            SMTPEnvelope(sender: $0.mailFrom, recipients: $0.recipients, message: ByteBuffer(bytes: $0.raw))
        })
        await connection.close()
        return zip(addresses, results).map { address, result in
            switch result {
            case .success(let receipt): Result(address: address.description, outcome: .sent, detail: receipt.reply.description)
            case .failure(let error): Result(address: address.description, outcome: error.refusesTheMessage ? .refused : .failed,
                                             detail: error.reportForAdministrators)
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

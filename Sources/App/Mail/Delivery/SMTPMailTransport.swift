import Foundation
import NIOCore
import SMTP

/// Delivers over SMTP through the shared connection pool, pipelining a whole batch on one connection.
struct SMTPMailTransport: MailTransport {
    let configuration: SMTPServerConfiguration
    let pool: SMTPConnectionPool
    let pacer: SendingPacer?
    /// The envelope sender for an outbox message (VERP); nil sends from the stored sender address.
    var envelopeSender: (@Sendable (UUID) -> String)? = nil

    func deliver(_ messages: [ClaimedMessage]) async -> [DeliveryOutcome] {
        guard !messages.isEmpty else { return [] }
        if let pacer { await pacer.wait(for: messages.count, server: configuration.host) }
        let connection: SMTPConnection
        do {
            connection = try await pool.acquire(configuration)
        } catch {
            // Connecting, TLS or AUTH failed: nothing was sent, and fixing the settings (or the server coming
            // back) lets the messages go out, so these stay temporary until the retry horizon.
            return messages.map { _ in .temporaryFailure("\(configuration.host):\(configuration.port): \(error.reportForAdministrators)") }
        }
        let envelopes = messages.map {
            SMTPEnvelope(sender: envelopeSender?($0.id) ?? $0.mailFrom, recipients: $0.recipients, message: ByteBuffer(bytes: $0.raw))
        }
        let results = await connection.send(envelopes)
        await pool.release(connection, configuration: configuration)
        return results.map { result in
            switch result {
            case .success(let receipt): .sent(reply: receipt.reply.description)
            case .failure(let error) where error.isTemporary: .temporaryFailure(error.reportForAdministrators)
            case .failure(let error): .permanentFailure(error.reportForAdministrators)
            }
        }
    }
}

/// An optional per-server rate limit: spaces batches so that a server sees at most `messagesPerSecond`.
actor SendingPacer {
    let messagesPerSecond: Double
    private var nextFree: [String: Date] = [:]

    init(messagesPerSecond: Int) { self.messagesPerSecond = Double(messagesPerSecond) }

    func wait(for count: Int, server: String) async {
        let now = Date()
        let start = max(now, nextFree[server] ?? now)
        nextFree[server] = start.addingTimeInterval(Double(count) / messagesPerSecond)
        let delay = start.timeIntervalSince(now)
        if delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
    }
}

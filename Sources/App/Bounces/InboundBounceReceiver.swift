import Fluent
import Foundation
import HeraldCore
import Logging
import NIOCore
import SMTPServer

/// What the inbound SMTP listener takes (`InboundBounceListener`): mail to a bounce address only, each message
/// handed to the same parsing and recording as the bounce mailbox's (`BounceParser`, `BounceRecorder`), so status,
/// history, suppression and `invitation.bounced` follow alike.
///
/// A bounce address is `bounces@<domain>` or a VERP address whose token checks (`VERPAddress`), at a domain some
/// organization set as its bounce domain; every other recipient is refused at RCPT (550 5.1.1), so the listener
/// relays nothing and keeps no other mail. The client is answered 250 once the bounce is recorded (or, no bounce,
/// logged and dropped), 451 when the database failed, so the sending server keeps the bounce and retries.
struct InboundBounceReceiver: SMTPServerReceiver {
    let recorder: BounceRecorder
    let database: any Database
    let logger: Logger

    func acceptsRecipient(_ address: String, on eventLoop: any EventLoop) -> EventLoopFuture<Bool> {
        eventLoop.makeFutureWithTask { try await accepts(address) }
    }

    func deliver(_ envelope: SMTPServerEnvelope, on eventLoop: any EventLoop) -> EventLoopFuture<SMTPDeliveryOutcome> {
        eventLoop.makeFutureWithTask { await record(envelope) }
    }

    func accepts(_ address: String) async throws -> Bool {
        guard let domain = bounceDomain(of: address) else { return false }
        return try await !organizations(withBounceDomain: domain).isEmpty
    }

    func record(_ envelope: SMTPServerEnvelope) async -> SMTPDeliveryOutcome {
        let metadata: Logger.Metadata = ["from": "\(SafeText.scrubbed(envelope.mailFrom))", "to": "\(envelope.recipients.joined(separator: ","))"]
        guard var report = BounceParser.parse(envelope.message) else {
            logger.notice("inbound SMTP: a message that is no bounce was accepted and dropped", metadata: metadata)
            return .accepted
        }
        // The envelope recipient is the VERP address even when the report's headers do not name it.
        report.reportAddresses = envelope.recipients + report.reportAddresses
        do {
            var recorded = 0
            for organizationID in try await organizations(for: envelope.recipients) {
                recorded += try await recorder.record(report, organizationID: organizationID, on: database).count
            }
            logger.info("inbound SMTP: bounce received, \(recorded) recorded", metadata: metadata)
            return .accepted
        } catch {
            logger.warning("inbound SMTP: bounce not recorded, the sender is told to retry",
                           metadata: metadata.merging(["error": "\(String(reflecting: error))"]) { $1 })
            return .temporaryFailure("Temporary failure recording the bounce, try again later")
        }
    }

    /// The lower-cased domain of a bounce address (`bounces@` or a VERP address with a valid token); nil otherwise.
    func bounceDomain(of address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let local = address[..<at].lowercased()
        guard local == "bounces" || recorder.verp.messageID(in: address) != nil else { return nil }
        let domain = address[address.index(after: at)...].lowercased()
        return domain.hasSuffix(".") ? String(domain.dropLast()) : domain
    }

    func organizations(withBounceDomain domain: String) async throws -> [UUID] {
        try await BounceSettings.query(on: database).filter(\.$bounceDomain == domain).all().map { $0.$organization.id }
    }

    /// The organizations a bounce to `recipients` may be about: a VERP address's message's, then each whose bounce
    /// domain a recipient is at (the recorder still ties a bounce only to a message of the organization).
    func organizations(for recipients: [String]) async throws -> [UUID] {
        var found: [UUID] = []
        for recipient in recipients {
            if let id = recorder.verp.messageID(in: recipient),
               let organizationID = try await OutboxMessage.find(id, on: database)?.$organization.id {
                found.append(organizationID)
            }
            if let domain = bounceDomain(of: recipient) { found += try await organizations(withBounceDomain: domain) }
        }
        var seen = Set<UUID>()
        return found.filter { seen.insert($0).inserted }
    }
}

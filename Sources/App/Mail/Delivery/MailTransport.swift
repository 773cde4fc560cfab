import Foundation

/// Something that can deliver claimed messages: the `.eml` spool or an SMTP server.
protocol MailTransport: Sendable {
    /// Delivers `messages` and returns one outcome per message, in the same order. Never throws: a failure
    /// is an outcome, so one bad message cannot hide the fate of the others.
    func deliver(_ messages: [ClaimedMessage]) async -> [DeliveryOutcome]
}

/// Writes each message to `folder/<outbox id>.eml`. Named by row id, so a message delivered again after a
/// crash replaces its file instead of appearing twice.
struct FileMailTransport: MailTransport {
    let folder: String

    func deliver(_ messages: [ClaimedMessage]) async -> [DeliveryOutcome] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            return messages.map { _ in .temporaryFailure("cannot create the spool folder \(folder): \(error.localizedDescription)") }
        }
        return messages.map { message in
            let path = (folder as NSString).appendingPathComponent("\(message.id.uuidString.lowercased()).eml")
            do {
                // Atomic: a reader never sees half a message.
                try Data(message.raw).write(to: URL(fileURLWithPath: path), options: .atomic)
                return .sent(reply: nil)
            } catch {
                return .temporaryFailure("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }
}

/// For organizations whose settings cannot be used (e.g. SMTP chosen but the stored password no longer decrypts).
struct UnavailableMailTransport: MailTransport {
    let reason: String

    func deliver(_ messages: [ClaimedMessage]) async -> [DeliveryOutcome] {
        messages.map { _ in .temporaryFailure(reason) }
    }
}

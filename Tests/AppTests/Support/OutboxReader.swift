@testable import App
import Fluent
import Foundation
import Vapor

/// Reads what Herald queued, as a person would read the delivered email.
enum OutboxReader {
    static func messages(_ app: Application, to email: String) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: app.db).filter(\.$recipients == email).sort(\.$createdAt).all()
    }

    /// The raw message with quoted-printable soft line breaks undone, so URLs can be found whole.
    static func text(_ message: OutboxMessage) -> String {
        String(decoding: raw(message), as: UTF8.self).replacingOccurrences(of: "=\r\n", with: "")
    }

    /// The message as rendered: the outbox stores it sealed (OutboxSealer), opened with the test server's key.
    static func raw(_ message: OutboxMessage) -> [UInt8] {
        let key = String(repeating: "s", count: 40)  // withHerald's HERALD_SECRET_KEY
        return (try? OutboxSealer(serverSecret: key).open(message.raw)) ?? Array(message.raw)
    }

    /// The path of the last join link sent to `email` (e.g. `/join/abc`).
    static func joinPath(_ app: Application, to email: String) async throws -> String {
        // Decoded as a mail reader does: Japanese and Chinese emails are base64, where the link is not readable raw.
        guard let message = try await messages(app, to: email).last,
              let match = ((try? MIMEParts(raw: Data(raw(message))).text) ?? text(message))
                .firstMatch(of: /https:\/\/herald\.test(\/join\/[A-Za-z0-9_-]+)/) else {
            throw TestSetupError("no join link was sent to \(email)")
        }
        return String(match.1)
    }
}

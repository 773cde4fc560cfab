@testable import App
import Fluent
import Foundation
import TestProcesses
import Testing
import VaporTesting

/// The bulk path inserts outbox rows through SQLKit; the delivery worker must take them like any other message.
@Suite("Install invitations reach the mail spool")
struct InstallDeliveryTests {
    @Test("queued install invitations are delivered, and each email decodes to its own code and link")
    func deliveredEmailsCarryCodeAndLink() async throws {
        try await withHerald { app in
            // given
            let invited = try await LicenseFixtures.invite(app, seats: 1, people: 2, language: .ja)
            // when
            let report = try await app.herald.deliveryWorker.deliverUntilEmpty()
            // then
            #expect(report.sent == 2)
            for row in invited.rows {
                let invitation = try #require(try await Invitation.query(on: app.db).filter(\.$email == row.email).first())
                let message = try #require(try await OutboxMessage.query(on: app.db).filter(\.$invitation.$id == invitation.requireID()).first())
                #expect(message.status == .sent)
                let decoded = try Self.decode(app.herald.deliveryWorker.resolver.spoolFolder + "/\(try message.requireID().uuidString.lowercased()).eml")
                #expect(decoded.contains("Subject: Herald Pro のインストール"))
                #expect(decoded.contains(row.activationCode) && decoded.contains(row.downloadURL))
                #expect(decoded.contains("アクティベーションコード"))
                #expect(!decoded.contains("REAL-SECRET-KEY-0001"))
            }
        }
    }

    /// Subject and text part as Python's `email` package reads them: an independent MIME decoder.
    static func decode(_ path: String) throws -> String {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import email, email.policy, sys
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
            print('Subject: ' + str(m['subject']))
            print(m.get_body(('plain',)).get_content())
            print(m.get_body(('html',)).get_content())
            """, path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

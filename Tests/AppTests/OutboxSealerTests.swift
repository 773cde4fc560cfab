@testable import App
import Foundation
import Testing

@Suite("Outbox bodies at rest")
struct OutboxSealerTests {
    static let sealer = OutboxSealer(serverSecret: String(repeating: "s", count: 40))
    static let message = Array(("From: Acme <noreply@acme.test>\r\nTo: ada@example.com\r\nSubject: Install Acme Pro\r\n\r\n"
        + String(repeating: "Your activation code is ABCD-EFGH-JKLM. Download: https://herald.test/install/x\r\n", count: 40)).utf8)

    @Test("a body is deflated and sealed: smaller than the message, no plain text, and it opens to the same bytes")
    func roundTrip() throws {
        let stored = try Self.sealer.seal(Self.message)
        #expect(stored.starts(with: OutboxSealer.magic))
        #expect(stored.count < Self.message.count / 4)
        #expect(String(decoding: stored, as: UTF8.self).range(of: "ABCD-EFGH") == nil)
        #expect(try Self.sealer.open(stored) == Self.message)
    }

    @Test("rows queued as plain text before sealing existed are delivered as they are")
    func plainRowsPassThrough() throws {
        #expect(try Self.sealer.open(Data(Self.message)) == Self.message)
    }

    @Test("an altered body or another server secret is refused, never delivered garbled")
    func tamperingIsDetected() throws {
        var stored = try Self.sealer.seal(Self.message)
        let otherServer = OutboxSealer(serverSecret: String(repeating: "t", count: 40))
        #expect(throws: OutboxSealer.Unreadable.self) { try otherServer.open(stored) }
        stored[stored.count - 20] ^= 0x01
        #expect(throws: OutboxSealer.Unreadable.self) { try Self.sealer.open(stored) }
    }
}

import NIOCore
import Testing

@testable import LDAP

@Suite struct LDAPDecodingTests {
    private func decode(_ bytes: [UInt8]) throws -> LDAPMessage { try LDAPMessage(berEncoded: bytes[...]) }

    @Test func responsesOfEachKind() throws {
        #expect(try decode(ServerMessage.bindResponse(1, code: 49, diagnostic: "80090308: AcceptSecurityContext error"))
            == LDAPMessage(id: 1, operation: .bindResponse(LDAPResult(code: .invalidCredentials, matchedDN: "", diagnosticMessage: "80090308: AcceptSecurityContext error"))))
        #expect(try decode(ServerMessage.extendedResponse(1, name: LDAPOID.startTLS))
            == LDAPMessage(id: 1, operation: .extendedResponse(LDAPResult(code: .success, matchedDN: "", diagnosticMessage: ""), name: LDAPOID.startTLS)))
        #expect(try decode(ServerMessage.reference(3, ["ldap://other/dc=x"])).operation == .searchResultReference)
        let done = try decode(ServerMessage.done(4, cookie: [1, 2, 3]))
        #expect(done.operation == .searchResultDone(LDAPResult(code: .success, matchedDN: "", diagnosticMessage: "")))
        #expect(try done.controls.first?.pagedResultsCookie() == [1, 2, 3])
    }

    @Test func entriesKeepBinaryValuesAndLowercaseNames() throws {
        let guid: [UInt8] = [0xe0, 0x04, 0x25, 0x3f, 0x89, 0x4f, 0xd3, 0x11, 0x9a, 0x0c, 0x03, 0x05, 0xe8, 0x2c, 0x33, 0x01]
        let bytes = ServerMessage.entry(2, dn: "CN=Ann,DC=x", [("objectGUID", [guid]), ("member", [Array("a".utf8), Array("b".utf8)])])
        guard case .searchResultEntry(let entry) = try decode(bytes).operation else {
            Issue.record("not an entry")
            return
        }
        #expect(entry.dn == "CN=Ann,DC=x")
        #expect(entry.values("OBJECTGUID") == [guid])
        #expect(entry.objectGUID() == "3f2504e0-4f89-11d3-9a0c-0305e82c3301")
        #expect(entry.strings("member") == ["a", "b"])
        #expect(entry.string("objectGUID") == nil)  // not UTF-8
        #expect(entry.string("missing") == nil)
        #expect(LDAPEntry.formatObjectGUID([1, 2]) == nil)
    }

    @Test(arguments: [
        [UInt8](),
        [0x30],
        [0x30, 0x03, 0x02, 0x01],  // truncated
        [0x31, 0x03, 0x02, 0x01, 0x01],  // SET, not SEQUENCE
        [0x30, 0x03, 0x02, 0x01, 0x01],  // no protocolOp
        [0x30, 0x05, 0x02, 0x01, 0x01, 0x61, 0x00],  // BindResponse without LDAPResult
        [0x30, 0x06, 0x02, 0x01, 0xff, 0x42, 0x00, 0x00],  // negative messageID (and trailing byte)
        [0x30, 0x08, 0x02, 0x01, 0x01, 0x65, 0x03, 0x0a, 0x01, 0x00],  // SearchResultDone missing fields
        [0x30, 0x07, 0x02, 0x01, 0x01, 0x04, 0x02, 0x41, 0x42],  // protocolOp not APPLICATION
        [0x30, 0x05, 0x02, 0x01, 0x01, 0x7f, 0x00],  // a long-form tag below 31 is invalid BER
        [0x30, 0x06, 0x02, 0x01, 0x01, 0x63, 0x01, 0x00],  // a SearchRequest is not a response
        [0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00],  // indefinite length
    ])
    func malformedMessagesThrowInsteadOfCrashing(bytes: [UInt8]) {
        #expect(throws: (any Error).self) { try decode(bytes) }
    }

    @Test func deeplyNestedBERIsRefused() {
        // 60 nested SEQUENCEs inside a control: swift-asn1 stops at 50 levels.
        var inner: [UInt8] = [0x05, 0x00]
        for _ in 0..<60 { inner = [0x30] + berLength(inner.count) + inner }
        let body: [UInt8] = [0x02, 0x01, 0x01, 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00] + [0xa0] + berLength(inner.count) + inner
        #expect(throws: LDAPDecodingError.self) { try decode([0x30] + berLength(body.count) + body) }
    }

    @Test func randomBytesNeverCrashTheDecoder() {
        var generator = SystemRandomNumberGenerator()
        let valid = ServerMessage.entry(9, dn: "cn=x", [("cn", [Array("x".utf8)])])
        for _ in 0..<5_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? decode(bytes)
        }
    }

    // MARK: Framing

    @Test func framesAreCutAtTheirLength() throws {
        let first = ServerMessage.bindResponse(1), second = ServerMessage.done(2)
        let stream = first + second
        var view = ByteBuffer(bytes: stream).readableBytesView
        #expect(try LDAPMessageDecoder.frameLength(view, maximum: 1 << 20) == first.count)
        view = ByteBuffer(bytes: stream.prefix(first.count - 1)).readableBytesView
        #expect(try LDAPMessageDecoder.frameLength(view, maximum: 1 << 20) == nil)
        // A long-form length: 0x82 0x01 0x00 = 256 bytes follow.
        view = ByteBuffer(bytes: [0x30, 0x82, 0x01, 0x00] + [UInt8](repeating: 0, count: 256)).readableBytesView
        #expect(try LDAPMessageDecoder.frameLength(view, maximum: 1 << 20) == 260)
    }

    @Test func hostileLengthsAreRefusedBeforeBuffering() {
        let maximum = 16 << 20
        // 2 GB announced in the header: refused from the first five bytes.
        #expect(throws: LDAPMessageDecoder.MessageTooLong.self) {
            try LDAPMessageDecoder.frameLength(ByteBuffer(bytes: [0x30, 0x84, 0x7f, 0xff, 0xff, 0xff]).readableBytesView, maximum: maximum)
        }
        #expect(throws: LDAPDecodingError.self) {
            try LDAPMessageDecoder.frameLength(ByteBuffer(bytes: [0x30, 0x88, 1, 1, 1, 1, 1, 1, 1, 1]).readableBytesView, maximum: maximum)
        }
        #expect(throws: LDAPDecodingError.self) {
            try LDAPMessageDecoder.frameLength(ByteBuffer(bytes: [0x30, 0x80]).readableBytesView, maximum: maximum)
        }
        #expect(throws: LDAPDecodingError.self) {
            try LDAPMessageDecoder.frameLength(ByteBuffer(string: "220 smtp.example.com ESMTP").readableBytesView, maximum: maximum)
        }
    }
}

func berLength(_ count: Int) -> [UInt8] {
    if count < 0x80 { return [UInt8(count)] }
    if count < 0x100 { return [0x81, UInt8(count)] }
    return [0x82, UInt8(count >> 8), UInt8(count & 0xff)]
}

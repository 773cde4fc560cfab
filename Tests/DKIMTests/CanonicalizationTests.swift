import DKIM
import Testing

@Suite struct CanonicalizationTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// RFC 6376 3.4.5, the example for relaxed/relaxed.
    @Test func rfc6376Example() throws {
        let message = bytes("A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n")
        let parts = try #require(DKIMMessageParts(message))
        #expect(parts.fields.count == 2)
        let headers = parts.fields.flatMap { DKIMCanonicalization.relaxedHeader(name: $0.name, value: $0.value) }
        #expect(String(decoding: headers, as: UTF8.self) == "a:X\r\nb:Y Z\r\n")
        let body = DKIMCanonicalization.relaxedBody(message[parts.bodyStart...])
        #expect(String(decoding: body, as: UTF8.self) == " C\r\nD E\r\n")
    }

    @Test(arguments: [
        ("", ""),                                   // empty stays empty (RFC 6376 errata 1384)
        ("\r\n\r\n\r\n", ""),                       // only empty lines: empty
        ("a", "a\r\n"),                             // a CRLF is added to a last line without one
        ("a \t\r\n\r\nb\t\r\n\r\n", "a\r\n\r\nb\r\n"),  // empty lines inside are kept, trailing ones go
        (".\r\n..x\r\n", ".\r\n..x\r\n"),           // dots are text: DKIM signs the unstuffed message
        ("  lead\r\n", " lead\r\n"),                // leading WSP is a run like any other
        ("x\ry\r\n", "x\ry\r\n"),                   // a bare CR is text
    ])
    func relaxedBody(input: String, expected: String) {
        #expect(String(decoding: DKIMCanonicalization.relaxedBody(bytes(input)), as: UTF8.self) == expected)
    }

    @Test func foldedFieldsAreOneFieldEach() throws {
        let message = bytes("Subject: a\r\n  long\r\n\tsubject \r\nTo: x@example.com\r\nX-Empty:\r\n\r\nbody")
        let parts = try #require(DKIMMessageParts(message))
        #expect(parts.fields.map(\.lowercasedName) == ["subject", "to", "x-empty"])
        let subject = DKIMCanonicalization.relaxedHeader(name: parts.fields[0].name, value: parts.fields[0].value)
        #expect(String(decoding: subject, as: UTF8.self) == "subject:a long subject\r\n")
        let empty = DKIMCanonicalization.relaxedHeader(name: parts.fields[2].name, value: parts.fields[2].value)
        #expect(String(decoding: empty, as: UTF8.self) == "x-empty:\r\n")
        #expect(Array(message[parts.bodyStart...]) == bytes("body"))
    }

    @Test func noHeaderSeparatorIsRefused() {
        #expect(DKIMMessageParts(bytes("From: a@example.com\r\n")) == nil)
    }

    @Test func recordsAreCompared() {
        let record = DKIMRecord("v=DKIM1; k=ed25519;\n p=11qYAYKxCrfVS/7TyWQH Og7hcvPapiMlrwIaaPcHURo=")
        #expect(record.compare(toPublicKey: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", algorithm: .ed25519SHA256) == .matches)
        #expect(record.compare(toPublicKey: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", algorithm: .rsaSHA256) == .differs)
        #expect(DKIMRecord("v=DKIM1; p=").compare(toPublicKey: "abc", algorithm: .rsaSHA256) == .differs)
        #expect(DKIMRecord("v=spf1 -all").compare(toPublicKey: "abc", algorithm: .rsaSHA256) == .notDKIM)
    }
}

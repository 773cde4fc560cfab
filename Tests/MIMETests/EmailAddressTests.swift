import Foundation
import Testing
@testable import MIME

@Suite("EmailAddress")
struct EmailAddressTests {
    @Test("accepts ordinary dot-atom addresses and keeps their spelling", arguments: [
        "bob@example.com",
        "first.last+tag@mail.example.co.uk",
        "o'neil@example.org",
        "x!#$%&'*+-/=?^_`{|}~@example.com",
        "a@b-c.example",
    ])
    func acceptsDotAtom(_ input: String) throws {
        // given / when
        let address = try EmailAddress(input)
        // then
        #expect(address.description == input)
        #expect(!address.requiresSMTPUTF8)
    }

    @Test("trims surrounding whitespace")
    func trimsWhitespace() throws {
        // given
        let input = "  \tbob@example.com \r\n"
        // when
        let address = try EmailAddress(input)
        // then
        #expect(address.description == "bob@example.com")
    }

    @Test("lowercases the domain and compares addresses case-insensitively")
    func caseInsensitiveEquality() throws {
        // given
        let a = try EmailAddress("Bob@Example.COM")
        let b = try EmailAddress("bob@example.com")
        // when
        let set: Set<EmailAddress> = [a, b]
        // then
        #expect(a.description == "Bob@example.com")
        #expect(a == b)
        #expect(set.count == 1)
    }

    @Test("allows UTF-8 in local part and domain and reports SMTPUTF8", arguments: [
        "用户@例子.广告", "jörg@müller.de", "θσερ@εχαμπλε.ψομ", "bob@bücher.example",
    ])
    func acceptsInternationalAddresses(_ input: String) throws {
        // given / when
        let address = try EmailAddress(input)
        // then
        #expect(address.requiresSMTPUTF8)
        #expect(address.description == input)
    }

    @Test("names why an address is refused", arguments: [
        ("bob@", "'bob@' has no domain"),
        ("", "the address is empty"),
        ("   ", "the address is empty"),
        ("bob", "'bob' has no '@'"),
        ("@example.com", "'@example.com' has nothing before the '@'"),
        ("bob@localhost", "'bob@localhost' has a domain without a dot (e.g. example.com)"),
        ("bob@[192.0.2.1]", "'bob@[192.0.2.1]' uses an IP address instead of a domain name"),
        ("bob@192.0.2.1", "'bob@192.0.2.1' uses an IP address instead of a domain name"),
        ("\"bob smith\"@example.com", "'\"bob smith\"@example.com' contains a space, which is not allowed in an address"),
        ("\"bob\"@example.com", "'\"bob\"@example.com' has a quoted part before the '@', which Herald does not send to"),
        (".bob@example.com", "'.bob@example.com' starts with a dot"),
        ("bob.@example.com", "'bob.@example.com' has a dot just before the '@'"),
        ("bo..b@example.com", "'bo..b@example.com' has two dots in a row"),
        ("a@b@example.com", "'a@b@example.com' has more than one '@'"),
        ("bob@exa_mple.com", "'bob@exa_mple.com' has an invalid domain part 'exa_mple': '_' is not allowed in a domain"),
        ("bob@-example.com", "'bob@-example.com' has an invalid domain part '-example': it starts or ends with a hyphen"),
        ("bob@example..com", "'bob@example..com' has an invalid domain part '': the domain has an empty part (two dots in a row, or a dot at its start or end)"),
    ])
    func refusesWithReason(_ input: String, _ reason: String) {
        // given / when
        let error = #expect(throws: AddressError.self) { try EmailAddress(input) }
        // then
        #expect(error?.description == reason)
    }

    @Test("refuses characters that could inject headers or split lists", arguments: [
        "bob@example.com\r\nBcc: eve@evil.example", "bob\n@example.com", "bob\0@example.com",
        "bob smith@example.com", "<bob@example.com>", "bob@example.com,eve@example.com",
        "bob\u{2028}x@example.com", "bob\u{00A0}x@example.com",
    ])
    func refusesInjection(_ input: String) {
        // given / when
        let error = #expect(throws: AddressError.self) { try EmailAddress(input) }
        // then
        guard case .forbiddenCharacter? = error else {
            Issue.record("expected forbiddenCharacter, got \(String(describing: error))")
            return
        }
        #expect(!(error?.description.contains("\r") ?? true))
        #expect(!(error?.description.contains("\n") ?? true))
    }

    @Test("enforces RFC 5321 and RFC 1035 length limits")
    func lengthLimits() throws {
        // given
        let label63 = String(repeating: "a", count: 63)
        let local64 = String(repeating: "l", count: 64)
        let longestDomain = [label63, label63, label63, String(repeating: "d", count: 57)].joined(separator: ".")
        // when / then
        _ = try EmailAddress("\(local64)@example.com")
        _ = try EmailAddress("\(label63)@\(label63).com")
        #expect(throws: AddressError.localPartTooLong("\(local64)l@example.com", octets: 65)) {
            try EmailAddress("\(local64)l@example.com")
        }
        #expect(throws: AddressError.self) { try EmailAddress("bob@\(label63)a.com") }
        #expect(longestDomain.utf8.count == 249)
        _ = try EmailAddress("bo@\(longestDomain)")  // 252 octets in all
        #expect(throws: AddressError.addressTooLong("bobbob@\(longestDomain)", octets: 256)) {
            try EmailAddress("bobbob@\(longestDomain)")
        }
    }

    @Test("counts length limits in UTF-8 octets, not characters")
    func octetLimits() {
        // given: 22 three-byte characters = 66 octets
        let local = String(repeating: "日", count: 22)
        // when / then
        #expect(throws: AddressError.localPartTooLong("\(local)@example.jp", octets: 66)) {
            try EmailAddress("\(local)@example.jp")
        }
    }
}

@Suite("EmailAddress in messages and JSON")
struct EmailAddressUseTests {
    @Test("encodes as a string and validates when decoding")
    func codable() throws {
        // given
        let address = try EmailAddress("Bob@Example.com")
        // when
        let json = try JSONEncoder().encode([address])
        let decoded = try JSONDecoder().decode([EmailAddress].self, from: json)
        // then
        #expect(String(decoding: json, as: UTF8.self) == #"["Bob@example.com"]"#)
        #expect(decoded == [address])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([EmailAddress].self, from: Data(#"["bob@"]"#.utf8)) }
    }

    @Test("a message needs SMTPUTF8 when any of its addresses does")
    func messageNeedsSMTPUTF8() throws {
        // given
        var message = MailMessage(from: try Mailbox("admin@example.com"), to: [try Mailbox("bob@example.com")],
                                  subject: "Hi", textBody: "Hi")
        let plain = message.requiresSMTPUTF8
        // when
        message.replyTo = try Mailbox("jörg@müller.de")
        // then
        #expect(!plain)
        #expect(message.requiresSMTPUTF8)
    }

    @Test("error messages never carry a raw line break")
    func escapedErrors() {
        // given / when
        let error = #expect(throws: AddressError.self) { try EmailAddress("bob\u{2028}@example.com") }
        // then
        #expect(error?.description == "'bob\\u{2028}@example.com' contains '\\u{2028}', which is not allowed in an address")
    }
}

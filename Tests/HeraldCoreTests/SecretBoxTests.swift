import Foundation
import Testing
@testable import HeraldCore

@Suite("SecretBox")
struct SecretBoxTests {
    let box = SecretBox(serverSecret: "0123456789abcdef0123456789abcdef", purpose: "herald stored secrets v1")

    @Test("seals to a versioned value that opens to the plaintext", arguments: ["hunter2", "", "пароль 🎉 パスワード"])
    func roundTrip(_ plaintext: String) throws {
        // given / when
        let sealed = try box.seal(plaintext)
        // then
        #expect(sealed.hasPrefix("v1:"))
        #expect(!sealed.contains(plaintext) || plaintext.isEmpty)
        #expect(try box.open(sealed) == plaintext)
    }

    @Test("uses a fresh nonce for every seal")
    func freshNonce() throws {
        // given / when
        let first = try box.seal("same")
        let second = try box.seal("same")
        // then
        #expect(first != second)
    }

    @Test("refuses a changed ciphertext as tampered")
    func tampering() throws {
        // given
        let sealed = try box.seal("smtp-password")
        var bytes = try #require(Data(base64Encoded: String(sealed.dropFirst(3))))
        bytes[bytes.count / 2] ^= 0x01
        let altered = "v1:" + bytes.base64EncodedString()
        // when / then
        #expect(throws: SecretBoxError.tampered) { try box.open(altered) }
    }

    @Test("a different server secret or purpose cannot open the value")
    func keySeparation() throws {
        // given
        let sealed = try box.seal("license-key")
        let otherSecret = SecretBox(serverSecret: "another secret of at least 32 chars", purpose: "herald stored secrets v1")
        let otherPurpose = SecretBox(serverSecret: "0123456789abcdef0123456789abcdef", purpose: "csrf")
        // when / then
        #expect(throws: SecretBoxError.tampered) { try otherSecret.open(sealed) }
        #expect(throws: SecretBoxError.tampered) { try otherPurpose.open(sealed) }
    }

    @Test("refuses malformed and unknown-version values", arguments: [
        ("", SecretBoxError.malformed), ("v1:not base64!", .malformed), ("v1:AAAA", .malformed),
        ("v2:AAAA", .unsupportedVersion("v2")), ("plaintext", .malformed),
    ])
    func malformed(_ input: String, _ expected: SecretBoxError) {
        // given / when / then
        #expect(throws: expected) { try box.open(input) }
    }
}

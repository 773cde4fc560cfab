import Foundation
import HeraldCore
import Testing

@Suite("TOTP (RFC 6238) and base32")
struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1 secret "12345678901234567890": the eight-digit values' last six digits.
    @Test("RFC 6238 test vectors, six digits", arguments: [
        (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
        (2_000_000_000, "279037"), (20_000_000_000, "353130"),
    ])
    func rfcVectors(time: Int, expected: String) {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        #expect(totp.code(step: TOTP.step(at: Date(timeIntervalSince1970: TimeInterval(time)))) == expected)
    }

    @Test("the current and neighbouring steps are accepted, two steps away and used steps are not")
    func window() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let now = Date(timeIntervalSince1970: 1_700_000_015)
        let step = TOTP.step(at: now)
        #expect(totp.acceptedStep(for: totp.code(step: step), at: now, after: nil) == step)
        #expect(totp.acceptedStep(for: totp.code(step: step - 1), at: now, after: nil) == step - 1)
        #expect(totp.acceptedStep(for: totp.code(step: step + 1), at: now, after: nil) == step + 1)
        #expect(totp.acceptedStep(for: totp.code(step: step - 2), at: now, after: nil) == nil)
        #expect(totp.acceptedStep(for: totp.code(step: step), at: now, after: step) == nil)
        #expect(totp.acceptedStep(for: "12345", at: now, after: nil) == nil)
        #expect(totp.acceptedStep(for: "１２３４５６", at: now, after: nil) == nil)
    }

    @Test("base32 round trip and RFC 4648 vectors")
    func base32() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("mzxw 6ytb oi") == Array("foobar".utf8))
        #expect(Base32.decode("MZXW1") == nil)
        let secret = TOTP.newSecret()
        #expect(Base32.decode(Base32.encode(secret)) == secret)
    }

    @Test("recovery codes: ten distinct, typed in any case with or without the dash")
    func recoveryCodes() {
        let codes = RecoveryCodes.generate()
        #expect(Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.count == 11 && RecoveryCodes.looksLikeRecoveryCode($0) })
        #expect(RecoveryCodes.hash(codes[0].uppercased().replacingOccurrences(of: "-", with: " ")) == RecoveryCodes.hash(codes[0]))
        #expect(!RecoveryCodes.looksLikeRecoveryCode("123456"))
    }
}

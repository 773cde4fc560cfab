import Foundation
import HeraldCore
import Testing

/// Herald's TOTP and QR encoder against independent implementations from PyPI: pyotp computes the codes, zxing-cpp
/// reads the QR codes (drawn from Herald's SVG by cairosvg).
@Suite("TOTP and QR codes against pyotp and zxing-cpp")
struct TwoFactorCodeTests {
    @Test("Herald's codes are pyotp's for random secrets and times")
    func codesMatchPyOTP() throws {
        for _ in 0..<5 {
            let secret = Base32.encode(TOTP.newSecret())
            let date = Date(timeIntervalSince1970: TimeInterval(Int.random(in: 0..<4_000_000_000)))
            let totp = TOTP(secret: try #require(Base32.decode(secret)))
            #expect(totp.code(step: TOTP.step(at: date)) == (try PyOTP.code(secret: secret, at: date)))
        }
    }

    /// One text per version 1...10 (the largest each holds at level M), plus UTF-8 and an otpauth URI.
    @Test("every version 1-10 decodes to the text it was made from")
    func qrCodesDecode() throws {
        let capacities = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]
        var texts = capacities.enumerated().map { index, count in
            String((0..<count).map { position in Character(UnicodeScalar(UInt8(33 + (position * 7 + index) % 90))) })
        }
        texts.append("Grüße aus Zürich — 日本語のテキスト")
        texts.append(TOTP(secret: TOTP.newSecret()).provisioningURI(account: "ada.lovelace@example.com", issuer: "Herald"))
        for (index, text) in texts.enumerated() {
            let code = try QRCode(text: text)
            if index < capacities.count {
                #expect(code.version == index + 1, "\(text.utf8.count) bytes")
            }
            #expect(try QRReferee.decode(svg: code.svg(title: "test")) == text, "version \(code.version)")
        }
        #expect(throws: QRCode.EncodingError.tooLong(bytes: 214, maximum: 213)) { try QRCode(text: String(repeating: "x", count: 214)) }
    }
}

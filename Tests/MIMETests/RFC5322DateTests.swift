import Foundation
import Testing
@testable import MIME

@Suite("RFC 5322 dates")
struct RFC5322DateTests {
    @Test("formats UTC dates with English names whatever the locale", arguments: [
        (0.0, "Thu, 1 Jan 1970 00:00:00 +0000"),
        (1_795_545_205.0, "Tue, 24 Nov 2026 18:33:25 +0000"),
        (1_709_164_800.0, "Thu, 29 Feb 2024 00:00:00 +0000"),
        (-1.0, "Wed, 31 Dec 1969 23:59:59 +0000"),
        (4_102_444_799.5, "Thu, 31 Dec 2099 23:59:59 +0000"),
    ])
    func formats(seconds: Double, expected: String) {
        // given / when / then
        #expect(RFC5322Date.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test("agrees with Foundation's POSIX formatter over many dates")
    func matchesFoundation() {
        // given
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss Z"
        var random = SplitMix64(seed: 5322)
        for _ in 0..<2000 {
            // when
            let date = Date(timeIntervalSince1970: Double(Int.random(in: -2_000_000_000...4_000_000_000, using: &random)))
            // then
            #expect(RFC5322Date.format(date) == formatter.string(from: date))
        }
    }
}

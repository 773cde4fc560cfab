@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// Numbers from requests are range-checked where they enter, with one type, before any arithmetic with them.
@Suite("whole numbers from requests")
struct WholeNumberTests {
    @Test("text that is not a whole number in range is refused naming the field, without trapping",
          arguments: ["", "-", "+1", " 1", "1 ", "1e3", "0x1", "١٢", "0", "31", "-1", "9223372036854775807", "9223372036854775808",
                      "-9223372036854775809", String(repeating: "9", count: 10_000), "7\u{0}"])
    func refusedText(text: String) {
        #expect(throws: Abort.self) { try WholeNumber<InvitationValidityDays>(parsing: text, field: "expires_in_days") }
    }

    @Test("digits in range are read", arguments: [("1", 1), ("30", 30), ("07", 7)])
    func acceptedText(text: String, value: Int) throws {
        #expect(try WholeNumber<InvitationValidityDays>(parsing: text, field: "days").value == value)
    }

    @Test("JSON numbers out of range are a 400 naming the JSON field")
    func jsonOutOfRange() throws {
        struct Body: Decodable { let expires_in_days: WholeNumber<InvitationValidityDays> }
        for json in [#"{"expires_in_days": 9223372036854775807}"#, #"{"expires_in_days": 31}"#, #"{"expires_in_days": "x"}"#] {
            #expect {
                _ = try JSONDecoder().decode(Body.self, from: Data(json.utf8))
            } throws: { error in
                (error as? Abort)?.reason == "expires_in_days: must be a whole number from 1 to 30"
            }
        }
        #expect(try JSONDecoder().decode(Body.self, from: Data(#"{"expires_in_days": 14}"#.utf8)).expires_in_days.value == 14)
    }

    @Test("the API's audit limit and invitation validity answer 400 out of range instead of clamping or trapping")
    func apiNumbersAreChecked() async throws {
        try await withHerald { app in
            // given
            let admin = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            let token = try await APITokenService.create(name: "numbers", scope: .administration, organizationID: admin.organization.requireID(),
                                                         accountID: admin.account.requireID(), actor: .system, on: app.db).token
            let headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]

            // when
            var statuses: [String: UInt] = [:]
            for limit in ["0", "1001", "abc", "184467440737095517", "1&limit=2", "10"] {
                statuses["limit=\(limit)"] = try await app.testing().sendRequest(.GET, "/api/v1/audit-events?limit=\(limit)", headers: headers).status.code
            }
            let days = try await app.testing().sendRequest(.POST, "/api/v1/invitations/join", headers: headers,
                                                           body: ByteBuffer(string: #"{"emails":["a@example.com"],"expires_in_days":9223372036854775807}"#))

            // then
            #expect(statuses == ["limit=0": 400, "limit=1001": 400, "limit=abc": 400, "limit=184467440737095517": 400,
                                 "limit=1&limit=2": 400, "limit=10": 200])
            #expect(days.status == .badRequest)
            #expect(days.body.string.contains("expires_in_days: must be a whole number from 1 to 30"), "\(days.body.string)")
        }
    }

    @Test("a date with a month or day of many digits is not a date, and reaches no calendar arithmetic")
    func calendarDayIsBounded() {
        #expect(CalendarDay("2026-9223372036854775807-01") == nil)
        #expect(CalendarDay("2026-01-9223372036854775807") == nil)
        #expect(CalendarDay("2026-13-01") == nil)
        #expect(CalendarDay("2026-12-31") != nil)
    }
}

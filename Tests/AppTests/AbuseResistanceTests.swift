@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// Rate limits that a client cannot talk its way around, and the headers every invitee page carries.
@Suite("abuse resistance")
struct AbuseResistanceTests {
    @Test("join-link redemption is limited per client, and a forged X-Forwarded-For does not reset the count")
    func redemptionLimitIgnoresForgedForwardedFor() async throws {
        try await withHerald { app in
            // given: an invitee's browser on a real join page (for its CSRF token)
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "guess@example.com"], csrfFrom: "/console/invitations")
            let joinPath = try await OutboxReader.joinPath(app, to: "guess@example.com")
            var guesser = BrowserSession(app)
            let csrf = try await guesser.csrfToken(from: joinPath)

            // when: 30 refused forms for the link (no password is checked: that has limits of its own), each claiming
            // to come from another address
            for attempt in 0..<30 {
                let response = try await guesser.post(joinPath, form: ["mode": "create", "name": "G", "password": "x", "password_confirmation": "x"],
                                                      csrf: .some(csrf), extraHeaders: ["X-Forwarded-For": "10.0.\(attempt / 250).\(attempt % 250)"])
                #expect(response.status == .unprocessableEntity, "attempt \(attempt): \(response.status)")
            }
            let limited = try await guesser.post(joinPath, form: ["mode": "signin", "password": "x"], csrf: .some(csrf), extraHeaders: ["X-Forwarded-For": "192.0.2.1"])

            // then: even the real link is refused until the window passes
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers.first(name: "Retry-After") != nil)
        }
    }

    @Test("behind a declared proxy the last X-Forwarded-For entry is the client: other clients are not limited with it")
    func declaredProxyCountsTheAppendedAddress() async throws {
        try await withHerald({ $0.trustProxy = true }) { app in
            var browser = BrowserSession(app)
            // given: one client used up its sign-in attempts (100 per 15 minutes per client, 10 per email)
            for index in 0..<100 {
                _ = try await browser.post("/signin", form: ["email": "nobody\(index)@example.com", "password": "Wrong-Horse-42"],
                                           extraHeaders: ["X-Forwarded-For": "203.0.113.9, 198.51.100.7"])
            }
            // when
            let sameClient = try await browser.post("/signin", form: ["email": "other@example.com", "password": "Wrong-Horse-42"],
                                                    extraHeaders: ["X-Forwarded-For": "1.2.3.4, 198.51.100.7"])
            let otherClient = try await browser.post("/signin", form: ["email": "other2@example.com", "password": "Wrong-Horse-42"],
                                                     extraHeaders: ["X-Forwarded-For": "203.0.113.9, 198.51.100.8"])
            // then: the forged first entry changes nothing; the proxy's entry decides
            #expect(sameClient.status == .tooManyRequests)
            #expect(otherClient.status != .tooManyRequests)
        }
    }

    @Test("token pages send CSP with frame-ancestors 'none', no referrer, nosniff, and HSTS only over https",
          arguments: ["https://herald.test", "http://herald.test"])
    func tokenPageHeaders(publicURL: String) async throws {
        try await withHerald({ $0.publicURL = URL(string: publicURL)! }) { app in
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await admin.post("/console/invitations/join", form: ["emails": "headers@example.com"], csrfFrom: "/console/invitations")
            let message = try #require(try await OutboxReader.messages(app, to: "headers@example.com").first)
            let path = try #require(OutboxReader.text(message).firstMatch(of: /https?:\/\/herald\.test(\/join\/[A-Za-z0-9_-]+)/)?.1)
            // when
            let page = try await app.testing().sendRequest(.GET, String(path))
            // then
            #expect(page.status == .ok)
            let csp = page.headers.first(name: "Content-Security-Policy") ?? ""
            #expect(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
            #expect(page.headers.first(name: "Referrer-Policy") == "no-referrer")
            #expect(page.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(page.headers.first(name: "Strict-Transport-Security") == (publicURL.hasPrefix("https") ? "max-age=31536000" : nil))
        }
    }
}

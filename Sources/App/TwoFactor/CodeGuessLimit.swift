import Vapor

/// Guessing six digits is a million tries at most, so code guesses are limited per account (not per address: a
/// stolen password may be tried from many): five wrong codes, then a wait. Every code check (sign-in, re-authentication)
/// goes through here; reaching the limit is audited, so administrators see someone who has a password but not the phone.
enum CodeGuessLimit {
    static let limiter = RateLimiter(limit: 5, window: 15 * 60)

    struct Limited: Error {
        let seconds: Int
        let message: String
    }

    static func check(_ code: String, account: Account, _ req: Request) async throws -> TwoFactor.Outcome {
        let key = try account.requireID().uuidString
        // Counted before the check, so parallel guesses cannot all slip in while the first ones are checked.
        if let wait = limiter.retryAfter(key: key) {
            throw limited(wait, account: account, req)
        }
        let outcome = try await req.twoFactor.check(code, account: account, actor: .account(id: try account.requireID(), email: account.email), on: req.db)
        if outcome == .wrong {
            if limiter.waitTime(key: key) != nil {
                try await TwoFactor.audit(.twoFactorCodeGuessesLimited, account: account, actor: .account(id: try account.requireID(), email: account.email),
                                          details: "client: \(req.clientAddress)", on: req.db)
            }
        } else {
            limiter.reset(key: key)
        }
        return outcome
    }

    private static func limited(_ wait: TimeInterval, account: Account, _ req: Request) -> Limited {
        let minutes = Int(wait / 60) + 1
        return Limited(seconds: Int(wait.rounded(.up)), message: TwoFactorTexts.text(req, account: account, "limited", ["minutes": String(minutes)]))
    }
}

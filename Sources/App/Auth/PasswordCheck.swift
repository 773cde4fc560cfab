import Crypto
import Fluent
import Foundation
import HeraldCore
import Vapor

/// Every password check Herald makes (the sign-in page and the join page) goes through `verify`, so every one is
/// counted by the same limits. The limits stop guessing without letting anyone lock an owner out:
///
/// - per account and client address: 10 attempts per 15 minutes, cleared by a success from that client;
/// - per client address: 100 per 15 minutes, against spraying many accounts from one place;
/// - per account, from browsers that never signed in to it: 50 per hour in all, against guessing from many
///   addresses. A browser that signed in to the account before carries a device cookie (an HMAC of the address
///   under the server secret, set on each successful sign-in) and is not held by this cap: guessing elsewhere
///   slows strangers down but never the owner on their own browser.
struct SignInLimits: Sendable {
    let accountAndClient = RateLimiter(limit: 10, window: 15 * 60)
    let client = RateLimiter(limit: 100, window: 15 * 60)
    let accountFromStrangers = RateLimiter(limit: 50, window: 60 * 60)
    let deviceKey: SymmetricKey

    init(serverSecret: String) {
        deviceKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Array(serverSecret.utf8)),
                                           salt: Array("herald.device-cookie.v1".utf8), info: Array("device".utf8), outputByteCount: 32)
    }

    static let deviceCookieName = "herald_device"

    /// The device cookie's value for an address: only a browser that once signed in as that address holds it.
    func deviceToken(email: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("herald device|\(email)".utf8), using: deviceKey)
        return TokenGenerator.base64URL(Array(mac))
    }
}

enum PasswordCheck {
    /// Who is trying: the client address the limits count, and the device cookie the browser sent.
    struct Client {
        let address: String
        let deviceToken: String?

        init(_ req: Request) {
            address = req.clientAddress
            deviceToken = req.cookies[SignInLimits.deviceCookieName]?.string
        }
    }

    /// The account whose address and password these are, `nil` for a wrong password or an unknown address (the same
    /// time for both); 429 while a limit holds, whether or not the password is right.
    static func verify(email rawEmail: String, password: String, from client: Client, limits: SignInLimits,
                       hasher: AsyncPasswordHasher, on db: any Database) async throws -> Account? {
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        let accountAndClient = "\(email)|\(client.address)"
        var checks = [(limits.accountAndClient, accountAndClient), (limits.client, client.address)]
        let knownDevice = client.deviceToken.map { TokenGenerator.constantTimeEquals($0, limits.deviceToken(email: email)) } ?? false
        if !knownDevice { checks.append((limits.accountFromStrangers, email)) }
        // Counted before the check, so parallel guesses cannot all slip in while the first ones are being hashed.
        for (limiter, key) in checks {
            if let wait = limiter.retryAfter(key: key) {
                throw Abort.tooManyRequests(wait: wait, reason: "Too many sign-in attempts. Try again in \(Int(wait / 60) + 1) minute(s).")
            }
        }
        let account = try await Account.find(email: email, on: db)
        // bcrypt reads only the first 72 bytes: a longer password would match every password sharing those bytes.
        // Herald refuses to set one (`PasswordPolicy`), so a longer one is wrong; it is still hashed, for the time.
        let checkable = !PasswordPolicy.exceedsHashLimit(password)
        // Verify against a dummy hash for unknown emails so the response time does not reveal which exist.
        let hash = account?.passwordHash ?? dummyHash
        let matches = (try? await hasher.verify(checkable ? password : "", created: hash)) ?? false
        guard let account, matches, checkable else { return nil }
        limits.accountAndClient.reset(key: accountAndClient)
        return account
    }

    /// bcrypt of a random string nobody knows; verifying against it costs the same as a real account.
    static let dummyHash = "$2b$12$C6UzMDM.H6dfI/f/IKxGhuP6kHhIzpM1GsKkQWh7d3Y3wH1b6Zb1e"
}

extension Request {
    /// Every change of identity (sign-in, joining with a new or existing account, first-run setup) starts a new
    /// session: an ID that existed before, perhaps planted by someone else (session fixation), never becomes a
    /// signed-in one. The browser also gets the device cookie that exempts it from the per-account cap of
    /// `SignInLimits`; `response` is where it goes.
    func startSession(for account: Account, response: Response) async throws {
        try await renewSession()
        auth.login(account)
        RecentAuthentication.record(self)
        let secure = herald.configuration.publicURL.scheme == "https"
        response.cookies[SignInLimits.deviceCookieName] = HTTPCookies.Value(
            string: herald.signInLimits.deviceToken(email: account.email), expires: Date().addingTimeInterval(365 * 24 * 60 * 60),
            path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax
        )
    }

    /// An empty session under a new ID, the old one deleted: for every change of who the session is about.
    func renewSession() async throws {
        if let oldID = session.id {
            try await application.sessions.driver.deleteSession(oldID, for: self).get()
            session.id = nil
        }
        session.data = SessionData()
    }
}

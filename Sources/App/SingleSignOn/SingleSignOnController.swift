import Fluent
import HeraldCore
import Vapor

/// The authorization code flow (OpenID Connect Core 3.1) with PKCE: `/sso/start/:organization` and `/sso/join/:token`
/// send the browser to the organization's provider with a fresh `state`, `nonce` and S256 challenge; `/sso/callback`
/// takes the `state` back (once), exchanges the code, verifies the ID token and lets the person in, or explains in
/// their language on the sign-in page why not.
struct SingleSignOnController {
    /// The session holds the hash of the `state` it started, so a callback carrying someone else's `state` (a login
    /// forced on this browser from another one) is refused.
    static let sessionKey = "sso_state"
    /// Sign-ins one client address may start: as many as password attempts (`SignInLimits.client`), so an office
    /// behind one address signs in at nine o'clock, and nobody fills the attempts table from one machine.
    let starts = RateLimiter(limit: 100, window: 15 * 60)

    static func redirectURI(_ services: HeraldServices) -> String {
        services.configuration.publicURL.appendingPathComponent("sso/callback").absoluteString
    }

    func start(_ req: Request) async throws -> Response {
        guard let organizationID = req.parameters.get("organization").flatMap(UUID.init(uuidString:)),
              let settings = try await SingleSignOnStore.enabled(for: organizationID, on: req.db)
        else { return try await Self.failurePage(req, .notOffered, organizationID: nil) }
        return try await redirect(req, settings, joinToken: nil)
    }

    /// From a join page: the invitee accepts by signing in with the organization's provider instead of a password.
    func startJoin(_ req: Request) async throws -> Response {
        let token = try req.parameters.require("token")
        let invitation: JoinLink
        do {
            let (link, status) = try await JoinRedemption.link(token: token, reads: req.herald.hotReads, on: req.db)
            if let problem = JoinLinkError(status: status) { throw problem }
            invitation = link
        } catch let problem as JoinLinkError {
            return try await Self.failurePage(req, problem, invitation: nil)
        }
        guard let settings = try await SingleSignOnStore.enabled(for: invitation.organizationID, on: req.db) else {
            return try await Self.failurePage(req, .notOffered, organizationID: nil)
        }
        return try await redirect(req, settings, joinToken: token)
    }

    private func redirect(_ req: Request, _ settings: SingleSignOnSettings, joinToken: String?) async throws -> Response {
        let organizationID = settings.$organization.id
        if let wait = starts.retryAfter(key: req.clientAddress) {
            throw Abort.tooManyRequests(wait: wait, reason: "Too many sign-ins from this address. Try again in \(Int(wait / 60) + 1) minute(s).")
        }
        let configuration: OpenIDConfiguration
        do {
            configuration = try await req.herald.openID.configuration(issuer: settings.issuer)
        } catch {
            req.logger.notice("single sign-on could not start", metadata: ["organization": "\(organizationID)", "reason": "\(error.detail)"])
            return try await Self.failurePage(req, error, organizationID: organizationID)
        }
        let sealed = try joinToken.map { try req.herald.secretBox.seal($0) }
        let started = try await SingleSignOnAttempts.start(organizationID: organizationID, joinTokenCiphertext: sealed, on: req.db)
        req.session.data[Self.sessionKey] = TokenGenerator.hash(started.state)
        let parameters = [
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", Self.redirectURI(req.herald)),
            ("scope", "openid email profile"), ("state", started.state), ("nonce", started.nonce),
            ("code_challenge", started.pkce.challenge), ("code_challenge_method", PKCE.method),
        ]
        let query = parameters.map { "\($0.0)=\(OpenIDProviderClient.formEncode($0.1))" }.joined(separator: "&")
        let endpoint = configuration.authorization_endpoint
        return req.redirect(to: endpoint + (endpoint.contains("?") ? "&" : "?") + query)
    }

    func callback(_ req: Request) async throws -> Response {
        let state = req.url.query == nil ? nil : try? req.query.get(String.self, at: "state")
        guard let state, state.utf8.count <= 512, let expected = req.session.data[Self.sessionKey],
              TokenGenerator.constantTimeEquals(TokenGenerator.hash(state), expected),
              let attempt = try await SingleSignOnAttempts.take(state: state, on: req.db)
        else { return try await Self.failurePage(req, .stateInvalid, organizationID: nil) }
        req.session.data[Self.sessionKey] = nil
        let organizationID = attempt.$organization.id
        do {
            let identity = try await verifiedIdentity(req, attempt)
            if let sealed = attempt.joinTokenCiphertext {
                // Sealed under a server secret that has changed since: the attempt is as good as unknown.
                guard let token = try? req.herald.secretBox.open(sealed) else { throw SingleSignOnFailure.stateInvalid }
                return try await acceptInvitation(req, token: token, identity: identity)
            }
            guard let settings = try await SingleSignOnStore.enabled(for: organizationID, on: req.db) else { throw SingleSignOnFailure.notOffered }
            let account = try await SingleSignOnAdmission.admit(identity, settings: settings, on: req.db)
            return try await signIn(req, account, organizationID: organizationID, to: "/console")
        } catch let failure as SingleSignOnFailure {
            req.logger.notice("single sign-on refused", metadata: ["organization": "\(organizationID)", "reason": "\(failure.detail)"])
            return try await Self.failurePage(req, failure, organizationID: organizationID)
        } catch let problem as JoinLinkError {
            return try await Self.failurePage(req, problem, invitation: nil)
        }
    }

    /// The callback's code exchanged and its ID token verified, for the organization the attempt was started for.
    private func verifiedIdentity(_ req: Request, _ attempt: SingleSignOnAttempt) async throws -> VerifiedIdentity {
        if let error = try? req.query.get(String.self, at: "error") {
            throw SingleSignOnFailure.providerRefused(SafeText.scrubbed(String(error.prefix(100))))
        }
        guard let code = try? req.query.get(String.self, at: "code"), !code.isEmpty, code.utf8.count <= 4096 else {
            throw SingleSignOnFailure.providerRefused("no code in the callback")
        }
        guard let settings = try await SingleSignOnStore.enabled(for: attempt.$organization.id, on: req.db) else {
            throw SingleSignOnFailure.notOffered
        }
        guard let secret = try? req.herald.secretBox.open(settings.clientSecretCiphertext) else {
            throw SingleSignOnFailure.providerUnavailable("the stored client secret cannot be read with this server's secret key; enter it again")
        }
        let provider = req.herald.openID
        let configuration = try await provider.configuration(issuer: settings.issuer)
        let token = try await provider.exchange(code: code, verifier: attempt.codeVerifier, redirectURI: Self.redirectURI(req.herald),
                                                clientID: settings.clientID, clientSecret: secret, configuration: configuration)
        return try await IDTokenVerifier(provider: provider, configuration: configuration, clientID: settings.clientID, nonce: attempt.nonce)
            .verify(token)
    }

    /// The join invitation accepted as the person the provider confirmed, who must be the invited address.
    private func acceptInvitation(_ req: Request, token: String, identity: VerifiedIdentity) async throws -> Response {
        let (invitation, status) = try await JoinRedemption.link(token: token, reads: req.herald.hotReads, on: req.db)
        if let problem = JoinLinkError(status: status) { throw problem }
        guard identity.email == invitation.email.lowercased() else {
            throw SingleSignOnFailure.invitationEmailMismatch(confirmed: identity.email, invited: invitation.email)
        }
        let existing = try await Account.find(email: identity.email, on: req.db)
        let account = if let existing { existing } else { try await SingleSignOnAdmission.newAccount(identity, on: req.db) }
        _ = try await JoinRedemption.accept(invitation, account: account, on: req.db)
        return try await signIn(req, account, organizationID: invitation.organizationID, to: "/console/welcome")
    }

    private func signIn(_ req: Request, _ account: Account, organizationID: UUID, to path: String) async throws -> Response {
        account.lastSignInAt = Date()
        try await account.save(on: req.db)
        let response = req.redirect(to: path)
        try await req.startSession(for: account, response: response)
        req.session.data[Request.organizationSessionKey] = organizationID.uuidString
        return response
    }

    // MARK: Pages

    /// The sign-in page saying, in the person's language, why they are not in; with the organization's button to try
    /// again where there is one.
    static func failurePage(_ req: Request, _ failure: SingleSignOnFailure, organizationID: UUID?) async throws -> Response {
        let language = req.inviteeLanguage()
        let message = req.herald.catalog.text(failure.messageKey, language, failure.arguments)
        var offer: SignInOffer?
        if let organizationID { offer = try await SignInOffer.of(organizationID, req: req) }
        return try await SessionController.signInPage(req, error: message, offer: offer, status: failure.status)
    }

    static func failurePage(_ req: Request, _ problem: JoinLinkError, invitation: JoinLink?) async throws -> Response {
        let language = req.inviteeLanguage()
        let arguments = invitation.map { ["organization": $0.organizationName, "email": $0.email] } ?? [:]
        let catalog = req.herald.catalog
        let message = catalog.text(problem.messageKey, language, arguments) + " " + catalog.text(problem.nextKey, language, arguments)
        return try await SessionController.signInPage(req, error: message, offer: nil, status: problem.status)
    }
}

/// The "Sign in with <provider>" button of an organization with single sign-on switched on.
struct SignInOffer: Encodable {
    let label: String
    let url: String

    static func of(_ organizationID: UUID, req: Request) async throws -> SignInOffer? {
        guard let settings = try await SingleSignOnStore.enabled(for: organizationID, on: req.db) else { return nil }
        return SignInOffer(settings, req: req)
    }
}

extension SignInOffer {
    init(_ settings: SingleSignOnSettings, req: Request) {
        let language = req.inviteeLanguage()
        label = req.herald.catalog.text("sso.signin.button", language, ["provider": settings.providerName])
        url = "/sso/start/\(settings.$organization.id.uuidString)"
    }
}

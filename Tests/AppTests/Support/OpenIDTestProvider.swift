@testable import App
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Vapor
import VaporTesting

/// The OpenID Connect provider scripts/test-servers runs (scripts/oidc-test-provider.py): what Herald is configured
/// with, and the person's part of a sign-in (following Herald's redirect to the provider, choosing who signs in and,
/// for the hostile tests, how the ID token is to be wrong).
struct OpenIDTestProvider {
    let issuer: String
    let clientID: String
    let clientSecret: String

    init() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let issuer = environment["OIDC_TEST_ISSUER"], let clientID = environment["OIDC_TEST_CLIENT_ID"],
              let clientSecret = environment["OIDC_TEST_CLIENT_SECRET"] else {
            throw TestSetupError("OIDC_TEST_ISSUER is not set: run the suite through ./scripts/test, which starts the OpenID provider")
        }
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    /// The settings form's fields for this provider.
    func settings(justInTime: Bool = false, domains: String = "example.com", passwordsAllowed: Bool = true) -> SingleSignOnSettingsInput {
        SingleSignOnSettingsInput(enabled: true, provider_name: "Test IdP", issuer: issuer, client_id: clientID, client_secret: clientSecret,
                                  allowed_domains: domains, just_in_time: justInTime, passwords_allowed: passwordsAllowed)
    }

    /// Saves `settings` for the organization as its administrator would.
    func configure(_ app: Application, organizationID: UUID, _ input: SingleSignOnSettingsInput? = nil) async throws {
        try await SingleSignOnStore(box: app.herald.secretBox, allowHTTP: true)
            .save(input ?? settings(), organizationID: organizationID, actor: .commandLine, on: app.db)
    }

    /// Opens the provider's authorization URL Herald redirected to, signing in as `email`, and returns the path and
    /// query of Herald's callback the provider redirects back to.
    func authorize(_ authorizationURL: String, email: String, fault: String? = nil, emailVerified: Bool = true) async throws -> String {
        var url = authorizationURL + "&email=" + BrowserSession.escape(email)
        if let fault { url += "&fault=\(fault)" }
        if !emailVerified { url += "&email_verified=false" }
        let location = try await Self.location(of: url)
        guard let components = URLComponents(string: location), components.host == "herald.test" else {
            throw TestSetupError("the provider redirected to \(location), not to Herald's callback")
        }
        return components.path + "?" + (components.percentEncodedQuery ?? "")
    }

    /// Makes the provider sign with a new key from now on (the old ones stay in its JWKS).
    func rotateKeys() async throws {
        var request = HTTPClientRequest(url: issuer + "/control/rotate")
        request.method = .POST
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        guard response.status == .ok else { throw TestSetupError("rotating the provider's keys answered \(response.status)") }
    }

    private static func location(of url: String) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            try await client.shutdown()
            guard response.status == .found, let location = response.headers.first(name: "Location") else {
                throw TestSetupError("the provider answered \(response.status): \(String(buffer: body))")
            }
            return location
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

extension BrowserSession {
    /// Starts single sign-on at `startPath` and returns where Herald sends the browser: the provider's authorization
    /// endpoint.
    mutating func startSingleSignOn(_ startPath: String) async throws -> String {
        let response = try await get(startPath)
        guard response.status == .seeOther, let location = response.headers.first(name: .location) else {
            throw TestSetupError("\(startPath) answered \(response.status): \(response.body.string.prefix(300))")
        }
        return location
    }

    /// A whole sign-in through the provider as `email`; returns Herald's answer to the callback.
    mutating func signInThroughProvider(_ provider: OpenIDTestProvider, organizationID: UUID, email: String, fault: String? = nil,
                                        emailVerified: Bool = true) async throws -> TestingHTTPResponse {
        let authorization = try await startSingleSignOn("/sso/start/\(organizationID.uuidString)")
        let callback = try await provider.authorize(authorization, email: email, fault: fault, emailVerified: emailVerified)
        return try await get(callback)
    }
}

import AsyncHTTPClient
import Foundation
import HeraldCore
import JWTKit
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// The parts of an issuer's discovery document (OpenID Connect Discovery 1.0, 3) Herald uses.
struct OpenIDConfiguration: Codable, Sendable {
    let issuer: String
    let authorization_endpoint: String
    let token_endpoint: String
    let jwks_uri: String
    /// Required by the specification; the algorithms ID tokens may be signed with. Herald accepts only these.
    let id_token_signing_alg_values_supported: [String]?
    let token_endpoint_auth_methods_supported: [String]?
}

/// Talks to identity providers over HTTP with AsyncHTTPClient: discovery and JWKS (both cached, per issuer and per
/// JWKS address), and the token request. No redirects are followed, every request has a deadline, and answers are
/// read up to 1 MB. Shared by all organizations; the caches are keyed by URL, so two organizations with the same
/// provider share them.
final class OpenIDProviderClient: Sendable {
    static let cacheLifetime: TimeInterval = 60 * 60
    static let maximumResponseBytes = 1024 * 1024

    let client: HTTPClient
    let timeout: TimeInterval
    /// Plain http issuers are refused unless the operator allows them (`HERALD_SSO_ALLOW_HTTP`, for tests).
    let allowHTTP: Bool
    private let discoveries = NIOLockedValueBox([String: (OpenIDConfiguration, Date)]())
    private let keySets = NIOLockedValueBox([String: ([JWK], Date)]())

    init(group: any EventLoopGroup, settings: SingleSignOnConfiguration) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(Int64(min(settings.timeout, 10))), read: .seconds(Int64(settings.timeout)))
        )
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
        timeout = settings.timeout
        allowHTTP = settings.allowHTTP
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    /// Whether Herald will talk to this URL at all (https, or http where the operator allowed it).
    func usable(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
              components.user == nil, components.fragment == nil else { return false }
        return components.scheme == "https" || (allowHTTP && components.scheme == "http")
    }

    /// The issuer's discovery document, from the cache when fresh. Its `issuer` must be the configured one exactly
    /// (Discovery 4.3): a document for another issuer would let that one's tokens in.
    func configuration(issuer: String, now: Date = Date()) async throws(SingleSignOnFailure) -> OpenIDConfiguration {
        if let (cached, fetched) = discoveries.withLockedValue({ $0[issuer] }), now.timeIntervalSince(fetched) < Self.cacheLifetime {
            return cached
        }
        let trimmed = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        let document: OpenIDConfiguration = try await getJSON(trimmed + "/.well-known/openid-configuration", what: "discovery")
        guard document.issuer == issuer else {
            throw .providerUnavailable("discovery names the issuer \(document.issuer.prefix(200)), not \(issuer)")
        }
        for endpoint in [document.authorization_endpoint, document.token_endpoint, document.jwks_uri] where !usable(endpoint) {
            throw .providerUnavailable("discovery gives an endpoint Herald cannot use: \(endpoint.prefix(200))")
        }
        discoveries.withLockedValue { $0[issuer] = (document, now) }
        return document
    }

    /// The provider's signing keys; `refresh` skips the cache (a token named a key the cached set lacks: the
    /// provider may have rotated its keys).
    func keys(at url: String, refresh: Bool, now: Date = Date()) async throws(SingleSignOnFailure) -> [JWK] {
        if !refresh, let (cached, fetched) = keySets.withLockedValue({ $0[url] }), now.timeIntervalSince(fetched) < Self.cacheLifetime {
            return cached
        }
        let document: JWKSDocument = try await getJSON(url, what: "JWKS")
        keySets.withLockedValue { $0[url] = (document.keys, now) }
        return document.keys
    }

    struct TokenResponse: Decodable {
        let id_token: String?
    }

    struct ErrorResponse: Decodable {
        let error: String?
    }

    /// Exchanges the authorization code (RFC 6749 4.1.3 with the PKCE verifier) and returns the ID token. The client
    /// authenticates with HTTP Basic unless the provider announces only `client_secret_post`.
    func exchange(code: String, verifier: String, redirectURI: String, clientID: String, clientSecret: String,
                  configuration: OpenIDConfiguration) async throws(SingleSignOnFailure) -> String {
        let methods = configuration.token_endpoint_auth_methods_supported ?? ["client_secret_basic"]
        let basic = methods.contains("client_secret_basic") || !methods.contains("client_secret_post")
        var fields = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI), ("code_verifier", verifier)]
        if basic {
            fields.append(("client_id", clientID))
        } else {
            fields += [("client_id", clientID), ("client_secret", clientSecret)]
        }
        var request = HTTPClientRequest(url: configuration.token_endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        if basic {
            // RFC 6749 2.3.1: both parts form-encoded before they are joined and base64-encoded.
            let credentials = Self.formEncode(clientID) + ":" + Self.formEncode(clientSecret)
            request.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        }
        request.body = .bytes(ByteBuffer(string: fields.map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")))
        let (status, body) = try await send(request, what: "token request")
        guard status == .ok else {
            let code = (try? JSONDecoder().decode(ErrorResponse.self, from: body))?.error ?? "HTTP \(status.code)"
            throw .codeRefused(String(code.prefix(100)))
        }
        guard let token = (try? JSONDecoder().decode(TokenResponse.self, from: body))?.id_token else {
            throw .providerUnavailable("the token response has no id_token")
        }
        return token
    }

    /// `application/x-www-form-urlencoded` for one value: everything but unreserved characters percent-encoded.
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    private func getJSON<T: Decodable>(_ url: String, what: String) async throws(SingleSignOnFailure) -> T {
        guard usable(url) else { throw .providerUnavailable("\(what): \(url.prefix(200)) is not an https URL") }
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let (status, body) = try await send(request, what: what)
        guard status == .ok else { throw .providerUnavailable("\(what) answered HTTP \(status.code)") }
        do { return try JSONDecoder().decode(T.self, from: body) } catch {
            throw .providerUnavailable("\(what) is not the expected JSON")
        }
    }

    private func send(_ request: HTTPClientRequest, what: String) async throws(SingleSignOnFailure) -> (HTTPResponseStatus, Data) {
        do {
            var request = request
            request.headers.replaceOrAdd(name: "User-Agent", value: "Herald-SSO/1")
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)))
            let body = try await response.body.collect(upTo: Self.maximumResponseBytes)
            return (response.status, Data(body.readableBytesView))
        } catch {
            throw .providerUnavailable("\(what): \(String(describing: error).prefix(200))")
        }
    }
}

/// A JWKS whose keys Herald cannot read (encryption keys, unknown key types) are left out rather than failing the
/// whole set: providers publish such keys beside their signing keys.
struct JWKSDocument: Decodable {
    let keys: [JWK]

    private struct Lenient: Decodable {
        let key: JWK?
        init(from decoder: any Decoder) throws { key = try? JWK(from: decoder) }
    }

    enum CodingKeys: String, CodingKey { case keys }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        keys = try container.decode([Lenient].self, forKey: .keys).compactMap(\.key)
    }
}

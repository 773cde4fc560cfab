import Vapor

/// Why a sign-in through an identity provider did not let the person in. Each has a sentence in every language
/// (`sso.error.*` in Resources/Locales) for the page, and a detail for the log that the page never shows (it may
/// name the provider's answer, which is not the person's business and may not be safe to echo).
enum SingleSignOnFailure: Error, Equatable {
    /// The organization has no identity provider switched on (or the link named no organization).
    case notOffered
    /// Discovery, the JWKS or the token endpoint could not be reached or answered nonsense.
    case providerUnavailable(String)
    /// The callback's `state` is unknown, used, expired or was started in another browser.
    case stateInvalid
    /// The provider sent the person back with an error (`access_denied` when they cancelled).
    case providerRefused(String)
    /// The token endpoint refused the code (wrong client secret, wrong verifier, used code).
    case codeRefused(String)
    case algorithmRefused(String)
    case unknownSigningKey
    case badSignature
    case wrongIssuer
    case wrongAudience
    case expired
    case issuedInFuture
    case wrongNonce
    case malformedToken(String)
    case emailNotVerified
    /// No membership, and just-in-time membership is off or the domain is not allowed.
    case notAMember(email: String, domainAllowed: Bool)
    case blocked
    /// The provider confirmed a different address than the join invitation's.
    case invitationEmailMismatch(confirmed: String, invited: String)

    var status: HTTPStatus {
        switch self {
        case .notOffered: .notFound
        case .providerUnavailable: .badGateway
        case .stateInvalid, .providerRefused: .badRequest
        case .notAMember, .blocked, .invitationEmailMismatch, .emailNotVerified: .forbidden
        default: .unauthorized
        }
    }

    /// The catalog key of what the person reads.
    var messageKey: String {
        switch self {
        case .notOffered: "sso.error.not_offered"
        case .providerUnavailable: "sso.error.provider_unavailable"
        case .stateInvalid: "sso.error.state"
        case .providerRefused: "sso.error.provider_refused"
        case .codeRefused: "sso.error.code_refused"
        case .algorithmRefused, .unknownSigningKey, .badSignature, .malformedToken: "sso.error.signature"
        case .wrongIssuer: "sso.error.issuer"
        case .wrongAudience: "sso.error.audience"
        case .expired, .issuedInFuture: "sso.error.expired"
        case .wrongNonce: "sso.error.nonce"
        case .emailNotVerified: "sso.error.email_unverified"
        case .notAMember(_, let domainAllowed): domainAllowed ? "sso.error.not_member" : "sso.error.domain"
        case .blocked: "sso.error.blocked"
        case .invitationEmailMismatch: "sso.error.invitation_email"
        }
    }

    var arguments: [String: String] {
        switch self {
        case .notAMember(let email, _): ["email": email]
        case .invitationEmailMismatch(let confirmed, let invited): ["email": confirmed, "invited": invited]
        default: [:]
        }
    }

    /// For the log: which check failed, in English.
    var detail: String {
        switch self {
        case .providerUnavailable(let why), .providerRefused(let why), .codeRefused(let why), .malformedToken(let why): "\(self.name): \(why)"
        case .algorithmRefused(let alg): "algorithm refused: \(alg)"
        default: name
        }
    }

    private var name: String { String(describing: self).split(separator: "(").first.map(String.init) ?? "failure" }
}

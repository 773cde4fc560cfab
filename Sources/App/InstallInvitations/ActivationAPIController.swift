import Fluent
import HeraldCore
import JWTKit
import Vapor

/// The endpoints installed products call, without an API token: activation, the organization's public keys and
/// its certificate revocation list.
struct ActivationAPIController {
    let activation: Activation
    let limits: ActivationLimits

    struct ActivationBody: Content {
        var code: String?
        var fingerprint: String?
        var computerName: String?
        var operatingSystem: String?
        var serialNumber: String?
        var macAddress: String?
    }

    struct ActivationResponse: Content, Equatable {
        let installationID: UUID
        let certificate: String
        let certificateSerial: String
        let product: String
        let licenseKeyName: String
        let activatedAt: Date
        let publicKeyURL: String
        let revocationListURL: String
        /// The secret the computer checks in and deactivates itself with (`Authorization: Bearer`); keep it private.
        let installationKey: String
        /// Where it checks in: `POST` with the installation key (`InstallationCheckInController`).
        let heartbeatURL: String
    }

    func activate(_ req: Request) async throws -> Response {
        try refuseWhileGuessing(req)
        let (code, machine) = try Self.parse(req)
        let language = Language.preferred(acceptLanguage: req.headers.first(name: .acceptLanguage))
        let outcome = try await Self.answering(req, language: language, limits: limits) {
            try await activation.activate(code: code, machine: machine, on: req.db)
        }
        let certificate = try await ActivationCertificates.certificate(
            for: outcome.installation, key: outcome.key, signers: activation.signers, publicURL: activation.publicURL, on: req.db
        )
        let status: HTTPResponseStatus = if case .activated = outcome { .created } else { .ok }
        return try answer(outcome, certificate: certificate, status: status)
    }

    func publicKeys(_ req: Request) async throws -> Response {
        try await limitReads(req)
        let organizationID = try Self.organizationID(req)
        let keys = try await ActivationSigningKey.query(on: req.db).filter(\.$organization.$id == organizationID).all()
        guard !keys.isEmpty else { throw Abort(.notFound, reason: "organization: no activation keys (it has no license keys yet)") }
        let response = try await ActivationSigningKeys.jwks(keys).encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .contentType, value: "application/jwk-set+json")
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return response
    }

    func revokedCertificates(_ req: Request) async throws -> Response {
        try await limitReads(req)
        let organizationID = try Self.organizationID(req)
        // Signed with the key that signs the certificates; an organization without one has issued none.
        guard try await ActivationSigningKey.query(on: req.db).filter(\.$organization.$id == organizationID).count() > 0 else {
            throw Abort(.notFound, reason: "organization: no activation keys (it has no license keys yet)")
        }
        let signer = try await activation.signers.signer(organizationID: organizationID, on: req.db)
        let revoked = try await InstallationActions.revokedCertificates(organizationID: organizationID, on: req.db)
        let list = try RevocationList.signed(
            organizationID: organizationID, revoked: revoked, issuer: activation.publicURL, now: activation.clock.now, signer: signer
        )
        let response = try await list.encodeResponse(for: req)
        // Short: a deactivation should reach products that check within minutes.
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        return response
    }

    /// Runs an activation (online or offline), wording its refusals in `language`; unknown codes count towards the
    /// client's guessing limit (`limits`; nil in the console, where a signed-in administrator uploads).
    static func answering<T>(_ req: Request, language: Language, limits: ActivationLimits?,
                             _ body: () async throws -> T) async throws -> T {
        let catalog = req.herald.catalog
        do {
            return try await body()
        } catch let error as ActivationError {
            if error == .unknownCode, let limits, let wait = limits.guesses.retryAfter(key: client(req)) { throw tooManyGuesses(wait) }
            throw error.abort(catalog, language)
        } catch let error as OfflineActivationError {
            throw error.abort(catalog, language)
        }
    }

    /// 429 for a client with too many unknown codes; counts nothing, so a repeated valid activation costs a lookup.
    func refuseWhileGuessing(_ req: Request) throws {
        if let wait = limits.guesses.waitTime(key: Self.client(req)) { throw Self.tooManyGuesses(wait) }
    }

    private static func tooManyGuesses(_ wait: TimeInterval) -> Abort {
        .tooManyRequests(wait: wait, reason: "code: too many unknown codes from your address; try again later")
    }

    private func limitReads(_ req: Request) async throws {
        if let wait = limits.reads.retryAfter(key: Self.client(req)) {
            throw Abort.tooManyRequests(wait: wait, reason: "too many requests; try again later")
        }
    }

    private static func organizationID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("organizationID", as: UUID.self) else {
            throw Abort(.notFound, reason: "organization: not a valid organization id")
        }
        return id
    }

    static func client(_ req: Request) -> String {
        req.clientAddress
    }
}

import Fluent
import HeraldCore
import JWTKit
import Vapor

/// The endpoints installed products call, without an API token: activation, the organization's public keys and
/// its certificate revocation list.
struct ActivationAPIController {
    /// Unknown codes per client address: 30 per 15 minutes makes guessing a 98-bit code hopeless. Only misses
    /// count, so a whole office activating behind one NAT address is never slowed down.
    let guessLimiter = RateLimiter(limit: 30, window: 15 * 60)
    /// Public reads per client address; products fetch keys once and cache them.
    let readLimiter = RateLimiter(limit: 600, window: 60)

    struct ActivationBody: Content {
        var code: String?
        var fingerprint: String?
        var computerName: String?
        var operatingSystem: String?
        var serialNumber: String?
        var macAddress: String?
    }

    struct ActivationResponse: Content {
        let installationID: UUID
        let certificate: String
        let certificateSerial: String
        let product: String
        let licenseKeyName: String
        let activatedAt: Date
        let publicKeyURL: String
        let revocationListURL: String
    }

    func activate(_ req: Request) async throws -> Response {
        let body = try Self.decodeBody(req)
        guard let code = body.code?.trimmingWhitespace(), !code.isEmpty else {
            throw Abort(.badRequest, reason: "code: is required")
        }
        let machine = try MachineDescription.validated(
            fingerprint: body.fingerprint, computerName: body.computerName, operatingSystem: body.operatingSystem,
            serialNumber: body.serialNumber, macAddress: body.macAddress
        )
        let outcome: Activation.Outcome
        do {
            outcome = try await Activation.activate(code: code, machine: machine, services: req.herald, on: req.db)
        } catch let error as ActivationError {
            if error == .unknownCode, let wait = await guessLimiter.retryAfter(key: Self.client(req)) {
                throw Abort(.tooManyRequests, headers: ["Retry-After": String(Int(wait.rounded(.up)))],
                            reason: "code: too many unknown codes from your address; try again later")
            }
            throw error.abort
        }
        let certificate = try await ActivationCertificates.certificate(for: outcome.installation, key: outcome.key, services: req.herald, on: req.db)
        let payload = ActivationResponse(
            installationID: outcome.installation.id, certificate: certificate,
            certificateSerial: outcome.installation.certificateSerial, product: outcome.key.product,
            licenseKeyName: outcome.key.name, activatedAt: outcome.installation.activatedAt,
            publicKeyURL: ActivationURLs.publicKeys(organizationID: outcome.key.organizationID, base: req.herald.configuration.publicURL),
            revocationListURL: ActivationURLs.revocationList(organizationID: outcome.key.organizationID, base: req.herald.configuration.publicURL)
        )
        if case .activated = outcome { return try Self.json(payload, status: .created) }
        return try Self.json(payload, status: .ok)
    }

    // Products repeat activations, so this endpoint is on a load budget (BENCHMARKS.md). Vapor's content
    // container finds a coder by parsing the Content-Type header on each call; the JSON body middleware has
    // already checked that header, so the body is decoded (and the response encoded) with fixed coders
    // configured as Vapor's JSON defaults are: same output, same `DecodingError`s.
    private static let bodyDecoder = JSONDecoder()
    private static let responseEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static func decodeBody(_ req: Request) throws -> ActivationBody {
        // No body at all: Vapor's own path, for its error.
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { return try req.content.decode(ActivationBody.self) }
        return try bodyDecoder.decode(ActivationBody.self, from: buffer)
    }

    private static func json(_ payload: ActivationResponse, status: HTTPResponseStatus) throws -> Response {
        let body = try responseEncoder.encode(payload)
        return Response(status: status, headers: ["Content-Type": "application/json; charset=utf-8"], body: .init(data: body))
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

    struct RevocationList: Content {
        struct Entry: Content {
            let serial: String
            let revokedAt: Date?
        }
        let organization: UUID
        let generatedAt: Date
        let revoked: [Entry]
    }

    func revokedCertificates(_ req: Request) async throws -> Response {
        try await limitReads(req)
        let organizationID = try Self.organizationID(req)
        guard try await Organization.find(organizationID, on: req.db) != nil else {
            throw Abort(.notFound, reason: "organization: not found")
        }
        let revoked = try await InstallationActions.revokedCertificates(organizationID: organizationID, on: req.db)
        let list = RevocationList(organization: organizationID, generatedAt: Date(),
                                  revoked: revoked.map { .init(serial: $0.serial, revokedAt: $0.revokedAt) })
        let response = try await list.encodeResponse(for: req)
        // Short: a deactivation should reach products that check within minutes.
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        return response
    }

    private func limitReads(_ req: Request) async throws {
        if let wait = await readLimiter.retryAfter(key: Self.client(req)) {
            throw Abort(.tooManyRequests, headers: ["Retry-After": String(Int(wait.rounded(.up)))], reason: "too many requests; try again later")
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

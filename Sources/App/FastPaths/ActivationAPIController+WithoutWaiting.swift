import Foundation
import HeraldCore
import Vapor

/// Products repeat activations (reinstalls, retry loops), so `POST /api/v1/activations` is on a load budget
/// (BENCHMARKS.md): a repeat is answered on the event loop without starting a task when nothing has to wait.
extension ActivationAPIController {
    /// On SQLite (the read runs on this thread), the same machine re-activating with its code gets its kept
    /// certificate back here; anything else (a first activation, a refusal, PostgreSQL, a certificate to sign
    /// afresh) goes through `activate`.
    func activateNow(_ req: Request) -> EventLoopFuture<Response> {
        req.answer(now: { try repeatWithoutWaiting(req) }, otherwise: { try await activate(req) })
    }

    func repeatWithoutWaiting(_ req: Request) throws -> Response? {
        guard activation.reads.readsOnThisThread else { return nil }
        try refuseWhileGuessing(req)
        // A malformed request fails here exactly as it would in `activate`.
        let (code, machine) = try Self.parse(req)
        guard let found = try ActivationLookup.findOnThisThread(codeHash: ActivationCode.hash(code), reads: activation.reads),
              let outcome = found.reactivation(of: machine),
              let certificate = ActivationCertificates.kept(outcome.installation, publicURL: activation.publicURL)
        else { return nil }
        return try answer(outcome, certificate: certificate, status: .ok)
    }

    /// The code and the machine, each field checked (a 400 naming it).
    static func parse(_ req: Request) throws -> (code: String, machine: MachineDescription) {
        let body = try decodeBody(req)
        guard let code = body.code?.trimmingWhitespace(), !code.isEmpty else {
            throw Abort(.badRequest, reason: "code: is required")
        }
        let machine = try MachineDescription.validated(
            fingerprint: body.fingerprint, computerName: body.computerName, operatingSystem: body.operatingSystem,
            serialNumber: body.serialNumber, macAddress: body.macAddress
        )
        return (code, machine)
    }

    func answer(_ outcome: Activation.Outcome, certificate: String, status: HTTPResponseStatus) throws -> Response {
        let publicURL = activation.publicURL
        let payload = ActivationResponse(
            installationID: outcome.installation.id, certificate: certificate,
            certificateSerial: outcome.installation.certificateSerial, product: outcome.key.product,
            licenseKeyName: outcome.key.name, activatedAt: outcome.installation.activatedAt,
            publicKeyURL: ActivationURLs.publicKeys(organizationID: outcome.key.organizationID, base: publicURL),
            revocationListURL: ActivationURLs.revocationList(organizationID: outcome.key.organizationID, base: publicURL),
            installationKey: activation.installationKeys.key(for: outcome.installation.id),
            heartbeatURL: ActivationURLs.heartbeat(installationID: outcome.installation.id, base: publicURL)
        )
        return Response(status: status, headers: ["Content-Type": "application/json; charset=utf-8"],
                        body: .init(data: try Self.responseEncoder.encode(payload)))
    }

    // Vapor's content container finds a coder by parsing the Content-Type header on each call; the JSON body
    // middleware has already checked that header, so the body is decoded (and the response encoded) with fixed
    // coders configured as Vapor's JSON defaults are: same output, same `DecodingError`s.
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
}

extension ActivationLookup {
    /// The same read on the calling thread; only when `reads.readsOnThisThread`.
    static func findOnThisThread(codeHash: String, reads: HotReads) throws -> ActivationLookup? {
        try reads.firstOnThisThread(query, [codeHash, InstallationStatus.active.stored]).map(ActivationLookup.init(row:))
    }
}

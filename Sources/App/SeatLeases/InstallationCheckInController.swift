import Foundation
import HeraldCore
import Vapor

/// `POST /api/v1/installations/:installationID/heartbeat` and `.../deactivate`, called by installed products (and
/// `herald activate --heartbeat/--deactivate`) with `Authorization: Bearer <installation key>`, no API token.
struct InstallationCheckInController {
    let checkIn: InstallationCheckIn
    let keys: InstallationKeys
    let limits: ActivationLimits
    let catalog: MessageCatalog

    struct HeartbeatResponse: Content, Equatable {
        let installationID: UUID
        let status: InstallationStatus
        let lastSeenAt: Date
        /// When the seat lapses without another check-in; absent for node-locked keys.
        let leaseExpiresAt: Date?
        /// This check-in took back a seat that had lapsed.
        let resumed: Bool
    }

    func heartbeat(_ req: Request) async throws -> Response {
        let id = try authenticate(req)
        let lease = try await answering(req) { try await checkIn.heartbeat(installationID: id, on: req.db) }
        return try await HeartbeatResponse(installationID: id, status: lease.status, lastSeenAt: lease.lastSeenAt,
                                           leaseExpiresAt: lease.leaseExpiresAt, resumed: lease.resumed).encodeResponse(for: req)
    }

    func deactivate(_ req: Request) async throws -> HTTPStatus {
        let id = try authenticate(req)
        try await answering(req) { try await checkIn.deactivate(installationID: id, on: req.db) }
        return .noContent
    }

    /// The installation the request proves it is. Wrong keys count like unknown activation codes: a client that
    /// guesses is stopped for a while, a right key alone is never slowed down.
    private func authenticate(_ req: Request) throws -> UUID {
        let client = ActivationAPIController.client(req)
        if let wait = limits.guesses.waitTime(key: client) { throw Self.tooManyGuesses(wait) }
        guard let id = req.parameters.get("installationID", as: UUID.self) else {
            throw Abort(.notFound, reason: "installation: not a valid installation id")
        }
        guard let presented = req.headers.bearerAuthorization?.token, keys.verify(presented, for: id) else {
            if let wait = limits.guesses.retryAfter(key: client) { throw Self.tooManyGuesses(wait) }
            throw error(.wrongInstallationKey, req)
        }
        return id
    }

    private func answering<T>(_ req: Request, _ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let refusal as ActivationError { throw error(refusal, req) }
    }

    private func error(_ refusal: ActivationError, _ req: Request) -> Abort {
        refusal.abort(catalog, Language.preferred(acceptLanguage: req.headers.first(name: .acceptLanguage)))
    }

    private static func tooManyGuesses(_ wait: TimeInterval) -> Abort {
        .tooManyRequests(wait: wait, reason: "installationKey: too many wrong installation keys from your address; try again later")
    }
}

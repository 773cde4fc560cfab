import Fluent
import Foundation
import HeraldCore
import SQLKit

/// The server side of `state`, `nonce` and the PKCE verifier between the redirect to the provider and its callback.
enum SingleSignOnAttempts {
    static let lifetime: TimeInterval = 10 * 60

    struct Started {
        let state: String
        let nonce: String
        let pkce: PKCE
    }

    /// Stores a new attempt (and clears expired ones, so the table stays the size of the sign-ins under way).
    static func start(organizationID: UUID, joinTokenCiphertext: String?, on db: any Database, now: Date = Date()) async throws -> Started {
        let started = Started(state: TokenGenerator.newToken(), nonce: TokenGenerator.newToken(), pkce: PKCE())
        try await SingleSignOnAttempt.query(on: db).filter(\.$expiresAt < now).delete()
        let attempt = SingleSignOnAttempt()
        attempt.stateHash = TokenGenerator.hash(started.state)
        attempt.$organization.id = organizationID
        attempt.nonce = started.nonce
        attempt.codeVerifier = started.pkce.verifier
        attempt.joinTokenCiphertext = joinTokenCiphertext
        attempt.expiresAt = now.addingTimeInterval(lifetime)
        try await attempt.create(on: db)
        return started
    }

    /// Takes the attempt `state` names, once: the row is deleted by one statement, so of two callbacks with the same
    /// `state` (a replay, or a double click) only one finds it. Nil for an unknown, used or expired `state`.
    static func take(state: String, on db: any Database, now: Date = Date()) async throws -> SingleSignOnAttempt? {
        let hash = TokenGenerator.hash(state)
        guard let attempt = try await SingleSignOnAttempt.query(on: db).filter(\.$stateHash == hash).first() else { return nil }
        let deleted = try await db.sql.raw("DELETE FROM sso_attempts WHERE id = \(bind: try attempt.requireID()) RETURNING id").all()
        guard !deleted.isEmpty, attempt.expiresAt > now else { return nil }
        return attempt
    }
}

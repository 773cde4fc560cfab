import Fluent
import HeraldCore
import Vapor

/// Sessions whose rows hold SHA-256 of the session ID, never the ID itself: the cookie is a bearer credential like
/// an API token, so a database dump or backup must not let anyone take over a signed-in console.
///
/// A session ends on the server, whatever the browser keeps: after `SessionSettings.idleTimeout` without a request,
/// or `lifetime` after it began (a stolen cookie stops working then even if used all along). `SessionSweeper`
/// deletes the rows of ended sessions.
///
/// It writes only what changed. Vapor's `SessionsMiddleware` saves the session after every request that looked
/// at it (the session authenticator looks on every browser request): an anonymous visitor's empty session, and
/// a signed-in administrator's unchanged one. Empty sessions are not stored (reading one back finds nothing,
/// which is the same as empty), unchanged data is not written again, and the last-use time at most once a
/// minute: a page view costs no database write.
struct HashedSessionDriver: AsyncSessionDriver {
    let settings: SessionSettings

    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        // 256 bits from TokenGenerator, like every other Herald token.
        let id = SessionID(string: TokenGenerator.newToken())
        guard !data.snapshot.isEmpty else { return id }
        try await StoredSession(key: Self.hashed(id), data: data, now: Date()).create(on: request.db)
        return id
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        guard let record = try await StoredSession.query(on: request.db).filter(\.$key == Self.hashed(sessionID)).first() else { return nil }
        let now = Date()
        if settings.hasEnded(createdAt: record.createdAt, seenAt: record.seenAt, now: now) {
            try await record.delete(on: request.db)
            return nil
        }
        if now.timeIntervalSince(record.seenAt) > SessionSettings.seenResolution {
            record.seenAt = now
            try await record.save(on: request.db)
        }
        request.storage[StoredSnapshot.self] = record.data.snapshot
        return record.data
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        if let stored = request.storage[StoredSnapshot.self], stored == data.snapshot { return sessionID }
        try await StoredSession.query(on: request.db).filter(\.$key == Self.hashed(sessionID)).set(\.$data, to: data).update()
        return sessionID
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await StoredSession.query(on: request.db).filter(\.$key == Self.hashed(sessionID)).delete()
    }

    static func hashed(_ id: SessionID) -> String {
        TokenGenerator.hash(id.string)
    }

    /// The data as read at the start of the request, to tell whether it changed.
    private enum StoredSnapshot: StorageKey {
        typealias Value = [String: String]
    }
}

import Fluent
import HeraldCore
import Vapor

/// Fluent sessions whose rows hold SHA-256 of the session ID, never the ID itself: the cookie is a bearer
/// credential like an API token, so a database dump or backup must not let anyone take over a signed-in console.
/// Same table as Vapor's `.fluent` driver (`SessionRecord`); rows written by that driver simply stop matching,
/// which signs those people out once.
///
/// It writes only what changed. Vapor's `SessionsMiddleware` saves the session after every request that looked
/// at it (the session authenticator looks on every browser request): an anonymous visitor's empty session, and
/// a signed-in administrator's unchanged one. Empty sessions are not stored (reading one back finds nothing,
/// which is the same as empty), and unchanged data is not written again: a page view costs no database write.
struct HashedSessionDriver: AsyncSessionDriver {
    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        // 256 bits from TokenGenerator, like every other Herald token.
        let id = SessionID(string: TokenGenerator.newToken())
        guard !data.snapshot.isEmpty else { return id }
        try await SessionRecord(key: Self.hashed(id), data: data).create(on: request.db)
        return id
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        let data = try await record(sessionID, on: request.db)?.data
        request.storage[StoredSnapshot.self] = data?.snapshot
        return data
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        if let stored = request.storage[StoredSnapshot.self], stored == data.snapshot { return sessionID }
        try await SessionRecord.query(on: request.db).filter(\.$key == Self.hashed(sessionID)).set(\.$data, to: data).update()
        return sessionID
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        try await SessionRecord.query(on: request.db).filter(\.$key == Self.hashed(sessionID)).delete()
    }

    private func record(_ sessionID: SessionID, on db: any Database) async throws -> SessionRecord? {
        try await SessionRecord.query(on: db).filter(\.$key == Self.hashed(sessionID)).first()
    }

    static func hashed(_ id: SessionID) -> SessionID {
        SessionID(string: TokenGenerator.hash(id.string))
    }

    /// The data as read at the start of the request, to tell whether it changed.
    private enum StoredSnapshot: StorageKey {
        typealias Value = [String: String]
    }
}

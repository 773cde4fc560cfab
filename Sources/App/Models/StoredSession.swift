import Fluent
import Foundation
import Vapor

/// A signed-in browser's session (`HashedSessionDriver`): SHA-256 of the cookie's ID, the data, and the times that
/// decide when it ends (`SessionLifetime`).
final class StoredSession: Model, @unchecked Sendable {
    static let schema = "browser_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "data") var data: SessionData
    @Field(key: "created_at") var createdAt: Date
    /// Last request that used it, written at most once a minute (`SessionLifetime.seenResolution`).
    @Field(key: "seen_at") var seenAt: Date

    init() {}

    init(key: String, data: SessionData, now: Date) {
        self.key = key
        self.data = data
        self.createdAt = now
        self.seenAt = now
    }
}

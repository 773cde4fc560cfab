import Fluent
import HeraldCore
import Vapor

/// While no account administrator exists, `herald serve` prints a one-time link that creates the first one.
enum FirstRunSetup {
    static let validity: TimeInterval = 60 * 60

    static func administratorExists(on db: any Database) async throws -> Bool {
        try await Membership.query(on: db).filter(\.$role == .administrator).filter(\.$status == .active).first() != nil
    }

    /// Creates a fresh setup token if Herald has no administrator yet; returns the link to print.
    static func linkIfNeeded(app: Application) async throws -> String? {
        guard try await !administratorExists(on: app.db) else { return nil }
        let token = TokenGenerator.newToken()
        let record = SetupToken()
        record.tokenHash = TokenGenerator.hash(token)
        record.expiresAt = Date().addingTimeInterval(validity)
        try await record.create(on: app.db)
        return app.herald.configuration.link("setup", token)
    }

    /// The token's record, or an error page that says what to do. Gone (410) for used or expired links.
    static func validToken(_ token: String, on db: any Database) async throws -> SetupToken {
        guard let record = try await SetupToken.query(on: db).filter(\.$tokenHash == TokenGenerator.hash(token)).first() else {
            throw Abort(.notFound, reason: "This setup link is not valid. Restart `herald serve` to print a new one, or use `herald admin create`.")
        }
        guard record.usedAt == nil, try await !administratorExists(on: db) else {
            throw Abort(.gone, reason: "This setup link has already been used. Sign in instead.")
        }
        guard record.expiresAt > Date() else {
            throw Abort(.gone, reason: "This setup link expired (links are valid for one hour). Restart `herald serve` to print a new one.")
        }
        return record
    }
}

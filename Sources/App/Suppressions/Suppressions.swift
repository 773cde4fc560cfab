import Fluent
import Foundation
import HeraldCore
import MIME
import SQLKit

/// An organization's suppression list: addresses Herald no longer invites, because mail to them bounced for good,
/// bounced temporarily too often, or an administrator said so. Every kind of invitation checks it before it writes
/// a row (`refusals`); an administrator clears an entry to invite the address again.
enum Suppressions {
    /// Who added a bounce-driven entry.
    static let bounceAuthor = "bounce"

    /// Called by bounce handling for each bounce tied to an organization: a hard bounce suppresses the address at
    /// once; a soft one is kept and suppresses it when it makes `softBounceLimit` within the organization's window.
    /// Returns the entry when the address is (now or already) suppressed. Safe when bounces for the same address
    /// arrive together: the entry is unique per address and inserted with `ON CONFLICT DO NOTHING`.
    @discardableResult
    static func recordBounce(organizationID: UUID, address: String, isHard: Bool, reason: String?, on db: any Database,
                             now: Date = Date()) async throws -> SuppressedAddress? {
        let normalized = try normalize(address)
        let reason = reason.map { String(SafeText.scrubbed($0).prefix(maximumReasonLength)) }
        return try await db.transaction { db in
            if isHard {
                return try await insert(organizationID: organizationID, address: normalized, reason: .hardBounce, remoteReason: reason,
                                        addedBy: bounceAuthor, on: db, now: now)
            }
            let policy = try await SuppressionPolicy.load(organizationID: organizationID, on: db)
            let bounce = SoftBounce()
            bounce.$organization.id = organizationID
            bounce.address = normalized
            bounce.reason = reason
            bounce.bouncedAt = now
            try await bounce.create(on: db)
            let since = now.addingTimeInterval(-Double(policy.softBounceWindowDays) * 86_400)
            // Older ones can never count again.
            try await SoftBounce.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$address == normalized)
                .filter(\.$bouncedAt < since).delete()
            let recent = try await SoftBounce.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$address == normalized).filter(\.$bouncedAt >= since).count()
            guard recent >= policy.softBounceLimit else { return try await entry(organizationID: organizationID, address: normalized, on: db) }
            return try await insert(organizationID: organizationID, address: normalized, reason: .softBounces,
                                    remoteReason: reason.map { "\(recent) soft bounces in \(policy.softBounceWindowDays) days; last: \($0)" },
                                    addedBy: bounceAuthor, on: db, now: now)
        }
    }

    static let maximumReasonLength = 500

    /// Adds an address by hand or from an import; returns false when it was on the list already.
    @discardableResult
    static func add(organizationID: UUID, address: String, reason: SuppressionReason, note: String?, actor: AuditActor,
                    on db: any Database, now: Date = Date()) async throws -> Bool {
        let normalized = try normalize(address)
        let note = note.map { String(SafeText.scrubbed($0).prefix(maximumReasonLength)) }?.nilIfEmpty
        return try await db.transaction { db in
            let existed = try await entry(organizationID: organizationID, address: normalized, on: db) != nil
            guard !existed else { return false }
            _ = try await insert(organizationID: organizationID, address: normalized, reason: reason, remoteReason: note,
                                 addedBy: actor.label, on: db, now: now)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .suppressionAdded,
                                      targetType: "suppressed_address", targetLabel: normalized, details: reason.rawValue)
            return true
        }
    }

    /// Removes the entry and the soft bounces counted towards it (a cleared address starts afresh), audited.
    static func clear(organizationID: UUID, address: String, actor: AuditActor, on db: any Database) async throws {
        let normalized = try normalize(address)
        try await db.transaction { db in
            guard let entry = try await entry(organizationID: organizationID, address: normalized, on: db) else {
                throw ValidationProblems(["address: \(normalized) is not on the suppression list"], status: .notFound)
            }
            try await entry.delete(on: db)
            try await SoftBounce.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$address == normalized).delete()
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .suppressionCleared,
                                      targetType: "suppressed_address", targetID: entry.id, targetLabel: normalized,
                                      details: "was \(entry.reason.rawValue)" + (entry.remoteReason.map { ": \($0)" } ?? ""))
        }
    }

    static func entry(organizationID: UUID, address: String, on db: any Database) async throws -> SuppressedAddress? {
        try await SuppressedAddress.query(on: db).filter(\.$organization.$id == organizationID).filter(\.$address == address).first()
    }

    /// Which of `addresses` (normalised) are suppressed, read in chunks: one query per 500 for a 100,000-person batch.
    static func suppressed(organizationID: UUID, among addresses: [String], on db: any Database) async throws -> Set<String> {
        guard !addresses.isEmpty else { return [] }
        // Most organizations have no list: one indexed probe spares a big batch its chunked lookups.
        guard try await SuppressedAddress.query(on: db).filter(\.$organization.$id == organizationID).first() != nil else { return [] }
        var found: Set<String> = []
        for chunk in addresses.chunked(500) {
            let rows = try await SuppressedAddress.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$address ~~ Array(chunk)).field(\.$address).all()
            found.formUnion(rows.map(\.address))
        }
        return found
    }

    /// The refusal shown for one suppressed address, in English for logs and the API's problem lines.
    static func refusal(_ address: String) -> String {
        "\(address) is on the suppression list (earlier mail to it bounced or an administrator suppressed it): clear it there first"
    }

    static func normalize(_ address: String) throws -> String {
        do { return try EmailAddress(address).normalized } catch {
            throw ValidationProblems(["address: \(SafeText.scrubbed(String(address.prefix(100)))) is not a valid email address"])
        }
    }

    /// One imported row, in the caller's transaction; true when it was added.
    static func insertImported(organizationID: UUID, address: String, note: String?, addedBy: String, on db: any Database,
                               now: Date = Date()) async throws -> Bool {
        let rows = try await db.sql.raw("""
            INSERT INTO \(ident: SuppressedAddress.schema) (id, organization_id, address, reason, remote_reason, added_by, created_at)
            VALUES (\(bind: UUID()), \(bind: organizationID), \(bind: address), \(bind: SuppressionReason.imported.rawValue),
                    \(bind: note.map { SafeText.scrubbed($0) }), \(bind: addedBy), \(bind: now))
            ON CONFLICT (organization_id, address) DO NOTHING
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    private static func insert(organizationID: UUID, address: String, reason: SuppressionReason, remoteReason: String?,
                               addedBy: String, on db: any Database, now: Date) async throws -> SuppressedAddress? {
        try await db.sql.raw("""
            INSERT INTO \(ident: SuppressedAddress.schema) (id, organization_id, address, reason, remote_reason, added_by, created_at)
            VALUES (\(bind: UUID()), \(bind: organizationID), \(bind: address), \(bind: reason.rawValue), \(bind: remoteReason),
                    \(bind: addedBy), \(bind: now))
            ON CONFLICT (organization_id, address) DO NOTHING
            """).run()
        return try await entry(organizationID: organizationID, address: address, on: db)
    }
}

import Fluent
import Foundation

/// Who caused a change: shown in the audit log as it was at the time.
package enum AuditActor: Sendable {
    case account(id: UUID, email: String)
    case apiToken(accountID: UUID, tokenName: String)
    case commandLine
    case system
    /// An external directory source: "SCIM token 'okta'", "LDAP sync".
    case directorySync(source: String)

    var accountID: UUID? {
        switch self {
        case .account(let id, _), .apiToken(let id, _): id
        case .commandLine, .system, .directorySync: nil
        }
    }

    var label: String {
        switch self {
        case .account(_, let email): email
        case .apiToken(_, let name): "API token '\(name)'"
        case .commandLine: "command line"
        case .system: "Herald"
        case .directorySync(let source): source
        }
    }
}

/// Records state changes. Call it on the same `Database` (transaction) as the change, so the log can never
/// claim something happened that was rolled back, nor miss something that happened.
enum AuditLog {
    static func record(
        on database: any Database, organizationID: UUID?, actor: AuditActor, action: AuditAction,
        targetType: String, targetID: UUID? = nil, targetLabel: String, details: String? = nil
    ) async throws {
        try await event(organizationID: organizationID, actor: actor, action: action, targetType: targetType, targetID: targetID,
                        targetLabel: targetLabel, details: details).create(on: database)
    }

    /// Many events in one statement (a slice of a bulk change: one event per invitation), on the change's transaction.
    static func record(_ events: [AuditEvent], on database: any Database) async throws {
        guard !events.isEmpty else { return }
        try await events.create(on: database)
    }

    /// An event to record, not yet saved.
    static func event(organizationID: UUID?, actor: AuditActor, action: AuditAction, targetType: String, targetID: UUID? = nil,
                      targetLabel: String, details: String? = nil) -> AuditEvent {
        let event = AuditEvent()
        event.$organization.id = organizationID
        event.$actor.id = actor.accountID
        event.actorLabel = actor.label
        event.action = action
        event.targetType = targetType
        event.targetID = targetID?.uuidString
        event.targetLabel = targetLabel
        event.details = details
        return event
    }
}

extension AuditLog {
    /// An event about one installation of `key` (activated, deactivated, lapsed, resumed...), labelled with its computer.
    static func record(
        on database: any Database, installation: Installation, key: LicenseKey, actor: AuditActor = .system, action: AuditAction,
        details: String
    ) async throws {
        try await record(on: database, organizationID: key.$organization.id, actor: actor, action: action, targetType: "installation",
                         targetID: installation.id, targetLabel: installation.computerName, details: details)
    }
}

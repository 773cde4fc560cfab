import Fluent
import Foundation
import HeraldCore

/// The emails an administrator may reword, per kind, as the catalog entries that make them up.
enum EditableTemplate: String, CaseIterable, Sendable {
    case join, install, client, memberNotices = "member-notices", testEmail = "test-email", common

    var title: String {
        switch self {
        case .join: "Join invitation"
        case .install: "Install invitation"
        case .client: "Remote-access client invitation (default subject and template)"
        case .memberNotices: "Block, unblock and remove notices"
        case .testEmail: "Test email"
        case .common: "Greeting and footer (all emails)"
        }
    }

    var keys: [String] {
        switch self {
        case .join: ["join.email.subject", "join.email.intro", "join.email.personal_message", "join.email.how", "join.email.action", "join.email.expiry", "join.email.ignore"]
        case .install: ["install.mail.subject", "install.mail.greeting", "install.mail.intro", "install.mail.steps", "install.mail.action", "install.temporary"]
        case .client: ["client.subject.default", "client.template.default"]
        case .memberNotices: ["member.block.subject", "member.block.body", "member.unblock.subject", "member.unblock.body", "member.remove.subject", "member.remove.body"]
        case .testEmail: ["mail.test.subject", "mail.test.body"]
        case .common: ["email.greeting", "mail.footer"]
        }
    }
}

/// Loading and saving an organization's overrides.
enum MessageOverrides {
    static let maximumLength = 5000

    /// The shipped catalog with the organization's wording applied.
    static func catalog(for organizationID: UUID, base: MessageCatalog, on db: any Database) async throws -> MessageCatalog {
        let rows = try await MessageOverride.query(on: db).filter(\.$organization.$id == organizationID).all()
        var overrides: [Language: [String: String]] = [:]
        for row in rows {
            guard let language = Language(code: row.language) else { continue }
            overrides[language, default: [:]][row.key] = row.value
        }
        return base.overriding(overrides)
    }

    /// Problems with submitted wording: each names the entry. Only the placeholders the shipped text offers are allowed.
    static func problems(_ values: [String: String], template: EditableTemplate, base: MessageCatalog) -> [String] {
        var problems: [String] = []
        for key in template.keys {
            guard let value = values[key] else { continue }
            let allowed = MessageCatalog.placeholders(in: base.text(key, .en))
            if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems.append("\(key): must not be empty") }
            if value.count > maximumLength { problems.append("\(key): must be at most \(maximumLength) characters") }
            let oneLine = key.hasSuffix(".subject") || key.hasSuffix(".action") || key == "client.subject.default"
            if let problem = SafeText.fieldProblem(value, field: key, oneLine ? .oneLine : .multiLine) { problems.append(problem) }
            for unknown in MessageCatalog.placeholders(in: value).subtracting(allowed).sorted() {
                problems.append("\(key): unknown placeholder {\(unknown)}; available: \(allowed.sorted().map { "{\($0)}" }.joined(separator: " "))")
            }
        }
        if template == .client {
            // The client template's own %VARIABLES%: an unknown one is an error here too, not only at send time.
            let subject = values["client.subject.default"] ?? base.text("client.subject.default", .en)
            let body = values["client.template.default"] ?? base.text("client.template.default", .en)
            if case .failure(let failures) = ClientInvitationPlanner.message(subject: subject, template: body) {
                problems += failures.map(\.description)
            }
        }
        return problems
    }

    /// Stores the values that differ from the shipped text, and drops overrides equal to it.
    static func save(_ values: [String: String], template: EditableTemplate, language: Language, organizationID: UUID,
                     base: MessageCatalog, actor: AuditActor, on db: any Database) async throws {
        try await db.transaction { db in
            for key in template.keys {
                try await MessageOverride.query(on: db).filter(\.$organization.$id == organizationID)
                    .filter(\.$language == language.rawValue).filter(\.$key == key).delete()
                guard let value = values[key], value != base.text(key, language) else { continue }
                let row = MessageOverride()
                row.$organization.id = organizationID
                row.language = language.rawValue
                row.key = key
                row.value = value
                try await row.create(on: db)
            }
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .templateChanged,
                                      targetType: "template", targetLabel: "\(template.title) (\(language.rawValue))")
        }
    }

    static func reset(template: EditableTemplate, language: Language, organizationID: UUID, actor: AuditActor, on db: any Database) async throws {
        try await db.transaction { db in
            try await MessageOverride.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$language == language.rawValue).filter(\.$key ~~ template.keys).delete()
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .templateReset,
                                      targetType: "template", targetLabel: "\(template.title) (\(language.rawValue))")
        }
    }
}

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

extension EditableTemplate {
    /// The editor's fields in `language`: each key, a plural key as one field per CLDR category the language uses
    /// (`join.email.expiry#one`, `#other`...).
    func fields(_ language: Language, catalog: MessageCatalog) -> [String] {
        keys.flatMap { key in
            guard catalog.isPlural(key, language) else { return [key] }
            return ["one", "two", "few", "many", "other"].filter(PluralRules.categories(of: language).contains).map { "\(key)#\($0)" }
        }
    }

    /// A field's name as the editor shows it ("Subject", "When the link expires, for 2, 3, 4"), from the catalogs.
    static func label(_ field: String, language: Language, catalog: MessageCatalog) -> String {
        let (key, category) = MessageCatalog.split(field)
        let label = catalog.text("template.field.\(key)", .en)
        guard let category else { return label }
        let samples = (0...1_000).lazy.filter { PluralRules.category(for: $0, language: language) == category }.prefix(3)
        let examples = samples.isEmpty ? [1_000_000, 2_000_000] : Array(samples)
        let list = examples.map { catalog.number($0, .en) }.joined(separator: ", ") + (examples.count > 1 ? "…" : "")
        return catalog.text("template.plural.form", .en, ["label": label, "examples": list])
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
    /// Each problem names the field by its label, as the editor shows it.
    static func problems(_ values: [String: String], template: EditableTemplate, language: Language, base: MessageCatalog) -> [String] {
        var problems: [String] = []
        for field in template.fields(language, catalog: base) {
            guard let value = values[field] else { continue }
            let label = EditableTemplate.label(field, language: language, catalog: base)
            let allowed = MessageCatalog.placeholders(in: base.editable(field, .en))
            if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problems.append("\(label): must not be empty") }
            if value.count > maximumLength { problems.append("\(label): must be at most \(maximumLength) characters") }
            let key = MessageCatalog.split(field).key
            let oneLine = key.hasSuffix(".subject") || key.hasSuffix(".action") || key == "client.subject.default"
            if let problem = SafeText.fieldProblem(value, field: label, oneLine ? .oneLine : .multiLine) { problems.append(problem) }
            for unknown in MessageCatalog.placeholders(in: value).subtracting(allowed).sorted() {
                problems.append("\(label): unknown placeholder {\(unknown)}; available: \(allowed.sorted().map { "{\($0)}" }.joined(separator: " "))")
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
            for key in template.fields(language, catalog: base) {
                try await MessageOverride.query(on: db).filter(\.$organization.$id == organizationID)
                    .filter(\.$language == language.rawValue).filter(\.$key == key).delete()
                guard let value = values[key], value != base.editable(key, language) else { continue }
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

    static func reset(template: EditableTemplate, language: Language, organizationID: UUID, base: MessageCatalog, actor: AuditActor,
                      on db: any Database) async throws {
        try await db.transaction { db in
            // The plain keys too: an override saved before plural entries were edited form by form.
            let fields = template.keys + template.fields(language, catalog: base)
            try await MessageOverride.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$language == language.rawValue).filter(\.$key ~~ fields).delete()
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .templateReset,
                                      targetType: "template", targetLabel: "\(template.title) (\(language.rawValue))")
        }
    }
}

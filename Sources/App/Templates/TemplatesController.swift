import Fluent
import Vapor

/// Email templates per kind and language: edit the wording, preview the exact HTML, save, or reset to the shipped text.
struct TemplatesController {
    struct Field: Encodable {
        let key: String
        /// What the field is, in words (the catalog's `template.field.*`), not its catalog key.
        let label: String
        let value: String
        let shipped: String
        let placeholders: String
        let multiline: Bool
    }

    struct ViewModel: Encodable {
        let templates: [[String: String]]
        let template: String
        let languages: [[String: String]]
        let language: String
        let fields: [Field]
        let errors: [String]
        let previewSubject: String?
        let previewHTML: String?
    }

    func show(_ req: Request) async throws -> View {
        let (template, language) = try selection(req, query: true)
        let catalog = try await MessageOverrides.catalog(for: req.console.organizationID, base: req.herald.catalog, on: req.db)
        let values = Dictionary(uniqueKeysWithValues: template.fields(language, catalog: catalog).map { ($0, catalog.editable($0, language)) })
        return try await render(req, template: template, language: language, values: values, errors: [], preview: nil)
    }

    /// `action=preview` shows the submitted wording without saving; `action=save` stores it; `action=reset` restores the shipped text.
    func submit(_ req: Request) async throws -> Response {
        let context = try req.console
        let (template, language) = try selection(req, query: false)
        let action = (try? req.content.get(String.self, at: "action")) ?? "save"
        let base = req.herald.catalog
        if action == "reset" {
            try await MessageOverrides.reset(template: template, language: language, organizationID: context.organizationID, base: base,
                                             actor: context.actor, on: req.db)
            req.flash("\(template.title) (\(language.nativeName)) reset to the shipped text.")
            return req.redirect(to: "/console/templates?template=\(template.rawValue)&language=\(language.rawValue)")
        }
        var values: [String: String] = [:]
        for key in template.fields(language, catalog: base) {
            values[key] = (try? req.content.get(String.self, at: key))?
                .replacingOccurrences(of: "\r\n", with: "\n")
        }
        let problems = MessageOverrides.problems(values, template: template, language: language, base: base)
        guard problems.isEmpty else {
            return try await render(req, template: template, language: language, values: values, errors: problems, preview: nil)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        if action == "preview" {
            let current = try await MessageOverrides.catalog(for: context.organizationID, base: base, on: req.db)
            let candidate = current.overriding([language: values.compactMapValues { $0 }])
            let preview = TemplatePreview.content(template, language: language, catalog: candidate, organization: context.organization,
                                                  inviter: context.account, configuration: req.herald.configuration)
            return try await render(req, template: template, language: language, values: values, errors: [], preview: preview).encodeResponse(for: req)
        }
        try await MessageOverrides.save(values.compactMapValues { $0 }, template: template, language: language,
                                        organizationID: context.organizationID, base: base, actor: context.actor, on: req.db)
        req.flash("\(template.title) (\(language.nativeName)) saved.")
        return req.redirect(to: "/console/templates?template=\(template.rawValue)&language=\(language.rawValue)")
    }

    private func selection(_ req: Request, query: Bool) throws -> (EditableTemplate, Language) {
        let templateName = query ? (try? req.query.get(String.self, at: "template")) : (try? req.content.get(String.self, at: "template"))
        let languageCode = query ? (try? req.query.get(String.self, at: "language")) : (try? req.content.get(String.self, at: "language"))
        guard let template = EditableTemplate(rawValue: templateName ?? "join") else {
            throw Abort(.badRequest, reason: "template: must be one of \(EditableTemplate.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let language = Language(code: languageCode ?? "en") else {
            throw Abort(.badRequest, reason: "language: must be one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return (template, language)
    }

    private func render(_ req: Request, template: EditableTemplate, language: Language, values: [String: String?],
                        errors: [String], preview: EmailContent?) async throws -> View {
        let base = req.herald.catalog
        let fields = template.fields(language, catalog: base).map { key in
            Field(key: key, label: EditableTemplate.label(key, language: language, catalog: base),
                  value: (values[key] ?? nil) ?? base.editable(key, language), shipped: base.editable(key, language),
                  placeholders: MessageCatalog.placeholders(in: base.editable(key, .en)).sorted().map { "{\($0)}" }.joined(separator: " "),
                  multiline: !(key.hasSuffix(".subject") || key.hasSuffix(".action")))
        }
        let model = ViewModel(
            templates: EditableTemplate.allCases.map { ["id": $0.rawValue, "title": $0.title] }, template: template.rawValue,
            languages: Language.allCases.map { ["code": $0.rawValue, "name": $0.nativeName] }, language: language.rawValue,
            fields: fields, errors: errors, previewSubject: preview?.subject, previewHTML: preview?.html
        )
        return try await req.renderPage("templates", section: .templates, model)
    }
}

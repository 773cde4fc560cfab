import Fluent
import HeraldCore
import Vapor

/// `/console/directory/ldap` and `/api/v1/directory/ldap`: the LDAP connection, "Test connection", "Sync now" and
/// the latest sync reports. A refused save shows the form again with every problem and what was typed (never the
/// password); a test or sync answers on the same page.
struct LDAPController {
    struct RunRow: Content {
        let id: UUID
        let trigger: String
        let status: String
        let started: String
        let finished: String
        let summary: String
        let warnings: [String]
        let error: String?

        init(_ run: DirectorySyncRun) throws {
            id = try run.requireID()
            trigger = run.trigger.rawValue
            status = run.status.rawValue
            started = DisplayDate.format(run.startedAt)
            finished = DisplayDate.format(run.finishedAt)
            summary = LDAPDirectorySync.summary(run)
            warnings = run.warnings?.split(separator: "\n").map(String.init) ?? []
            error = run.error
        }
    }

    struct ViewModel: Encodable {
        var form: LDAPSettingsInput
        var hasPassword = false
        var provisioning = "csv"
        var errors: [String] = []
        var test: LDAPConnectionTest.Result?
        var runs: [RunRow] = []
        var configured = false
    }

    static func form(from settings: LDAPSettings?) -> LDAPSettingsInput {
        guard let settings else {
            return LDAPSettingsInput(url: "", bind_dn: "", user_base_dn: "", group_base_dn: "", preset: LDAPAttributeMapping.Preset.activeDirectory.rawValue)
        }
        let mapping = settings.mapping
        var disabled: (String?, String?) = (nil, nil)
        if case .attributeEquals(let attribute, let value) = mapping.disabled { disabled = (attribute, value) }
        return LDAPSettingsInput(
            url: settings.url, ca_certificate_pem: settings.caCertificatePEM, bind_dn: settings.bindDN, password: nil,
            user_base_dn: settings.userBaseDN, group_base_dn: settings.groupBaseDN, preset: settings.preset.rawValue,
            id_attribute: mapping.id, login_attribute: mapping.login, email_attribute: mapping.email, name_attribute: mapping.name,
            member_attribute: mapping.member, user_filter: mapping.userFilter, group_filter: mapping.groupFilter,
            disabled_attribute: disabled.0, disabled_value: disabled.1, sync_interval_minutes: settings.syncIntervalMinutes)
    }

    func show(_ req: Request) async throws -> View {
        try await render(req, nil)
    }

    private func render(_ req: Request, _ model: ViewModel?, status: HTTPResponseStatus = .ok) async throws -> View {
        let organizationID = try req.console.organizationID
        let settings = try await LDAPSettingsStore.settings(of: organizationID, on: req.db)
        var content = model ?? ViewModel(form: Self.form(from: settings))
        content.hasPassword = settings?.passwordCiphertext != nil
        content.configured = settings != nil
        content.provisioning = try await DirectorySettingsStore.provisioning(of: organizationID, on: req.db).rawValue
        content.runs = try await DirectorySyncService.recentRuns(of: organizationID, on: req.db).map(RunRow.init)
        return try await req.renderPage("directory-ldap", section: .directory, title: "LDAP / Active Directory", content)
    }

    private func respond(_ req: Request, _ model: ViewModel, status: HTTPResponseStatus) async throws -> Response {
        let response = try await render(req, model).encodeResponse(for: req).get()
        response.status = status
        return response
    }

    func save(_ req: Request) async throws -> Response {
        let context = try req.console
        var input = try req.content.decode(LDAPSettingsInput.self)
        do {
            try await LDAPSettingsStore(box: req.herald.secretBox, servers: req.herald.configuration.ldapServers).save(input, organizationID: context.organizationID, actor: context.actor, on: req.db)
        } catch let problems as ValidationProblems {
            input.password = nil
            return try await respond(req, ViewModel(form: input, errors: problems.problems), status: .badRequest)
        }
        req.flash("LDAP settings saved. Use Test connection to check them.")
        return req.redirect(to: "/console/directory/ldap")
    }

    func test(_ req: Request) async throws -> Response {
        let organizationID = try req.console.organizationID
        let connection = try await LDAPSettingsStore(box: req.herald.secretBox, servers: req.herald.configuration.ldapServers).connection(of: organizationID, on: req.db)
        let result = await LDAPConnectionTest(settings: connection, eventLoopGroup: req.herald.eventLoopGroup, logger: req.logger).run()
        let settings = try await LDAPSettingsStore.settings(of: organizationID, on: req.db)
        return try await respond(req, ViewModel(form: Self.form(from: settings), test: result), status: .ok)
    }

    func sync(_ req: Request) async throws -> Response {
        let organizationID = try req.console.organizationID
        do {
            let run = try await DirectorySyncService(services: req.herald).sync(organizationID: organizationID, trigger: .console, on: req.db)
            req.flash(run.status == .succeeded ? "Sync finished: \(LDAPDirectorySync.summary(run))." : "Sync failed: \(run.error ?? "see the report").")
        } catch let abort as any AbortError where abort.status == .conflict {
            let settings = try await LDAPSettingsStore.settings(of: organizationID, on: req.db)
            return try await respond(req, ViewModel(form: Self.form(from: settings), errors: [abort.reason]), status: .conflict)
        }
        return req.redirect(to: "/console/directory/ldap")
    }

    // MARK: API

    struct SettingsDTO: Content {
        let settings: LDAPSettingsInput
        let hasPassword: Bool
    }

    func apiShow(_ req: Request) async throws -> SettingsDTO {
        let settings = try await LDAPSettingsStore.settings(of: try req.api.organizationID, on: req.db)
        guard settings != nil else { throw Abort(.notFound, reason: "ldap: no LDAP server is set up for this organization yet") }
        return SettingsDTO(settings: Self.form(from: settings), hasPassword: settings?.passwordCiphertext != nil)
    }

    func apiSave(_ req: Request) async throws -> SettingsDTO {
        let context = try req.api
        let input = try req.content.decode(LDAPSettingsInput.self)
        let saved = try await LDAPSettingsStore(box: req.herald.secretBox, servers: req.herald.configuration.ldapServers).save(input, organizationID: context.organizationID, actor: context.actor, on: req.db)
        return SettingsDTO(settings: Self.form(from: saved), hasPassword: saved.passwordCiphertext != nil)
    }

    func apiTest(_ req: Request) async throws -> Response {
        let connection = try await LDAPSettingsStore(box: req.herald.secretBox, servers: req.herald.configuration.ldapServers).connection(of: try req.api.organizationID, on: req.db)
        let result = await LDAPConnectionTest(settings: connection, eventLoopGroup: req.herald.eventLoopGroup, logger: req.logger).run()
        let response = Response(status: .ok)
        try response.content.encode(result, as: .json)
        return response
    }

    func apiSync(_ req: Request) async throws -> RunRow {
        try RunRow(try await DirectorySyncService(services: req.herald).sync(organizationID: try req.api.organizationID, trigger: .api, on: req.db))
    }

    func apiRuns(_ req: Request) async throws -> [RunRow] {
        try await DirectorySyncService.recentRuns(of: try req.api.organizationID, limit: 50, on: req.db).map(RunRow.init)
    }
}

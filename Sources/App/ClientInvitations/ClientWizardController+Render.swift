import Fluent
import HeraldCore
import Vapor

extension ClientWizardController {
    typealias Option = ClientWizardView.Option

    func render(_ req: Request, step: ClientWizardStep, draft: ClientWizardDraft, view given: ClientWizardView? = nil,
                status: HTTPResponseStatus, preview: Bool = false, testTo: String = "", testResults: [TestEmail.Result] = []) async throws -> Response {
        let organization = try req.console.organization
        var view = given ?? ClientWizardView(step: step)
        let request = draft.request
        switch step {
        case .mail:
            let settings = try await MailSettingsStore.settings(for: try organization.requireID(), on: req.db)
            view.mail = .init(
                transport: settings.transport, server: settings.host.map { "\($0.contains(":") ? "[\($0)]" : $0):\(settings.port ?? 25)" } ?? "",
                senderAddress: settings.id == nil ? "" : settings.senderAddress, senderName: settings.senderName ?? "",
                tlsMode: settings.tlsMode, tlsModes: MailSettingsInput.tlsModes, minimumTLSVersion: settings.minimumTLSVersion,
                verifyCertificates: settings.verifyCertificates,
                requiresAuthentication: settings.requiresAuthentication, username: settings.username ?? "",
                hasPassword: settings.passwordCiphertext != nil, testTo: testTo, testResults: testResults)
            if view.errors.isEmpty { view.errors = try await MailReadiness.problems(organizationID: try organization.requireID(), on: req.db) }
        case .connection:
            let input = request.connection
            let chosen = Set(input.deviceTypes.compactMap(ClientDeviceType.init(name:)))
            let mode = ConnectionMode(name: input.mode)
            let authentication = AuthenticationMode(name: input.authentication)
            view.connection = .init(
                devices: ClientDeviceType.allCases.map { Option(value: $0.rawValue, label: ClientChoiceLabels.device($0), selected: chosen.contains($0)) },
                server: input.server, port: input.port,
                modes: ConnectionMode.allCases.map { Option(value: $0.name, label: ClientChoiceLabels.mode($0), selected: $0 == mode) },
                authentications: AuthenticationMode.allCases.map { Option(value: $0.rawValue, label: ClientChoiceLabels.authentication($0), selected: $0 == authentication) },
                credentialProvider: input.credentialProvider)
        case .recipients:
            let users = try await DirectoryStore.users(of: try organization.requireID(), on: req.db)
            let groups = try await DirectoryStore.groups(of: try organization.requireID(), on: req.db)
            view.recipients = .init(
                users: try users.map { Option(value: try $0.requireID().uuidString, label: "\($0.name) <\($0.email)>\($0.enabled ? "" : " (disabled)")", selected: request.userIDs.contains(try $0.requireID())) },
                groups: try groups.map { Option(value: try $0.requireID().uuidString, label: $0.name, selected: request.groupIDs.contains(try $0.requireID())) },
                resolved: try await recipients(draft, req).map { "\($0.name) <\($0.email)>" })
        case .message:
            let people = try await recipients(draft, req)
            let previewID = people.first { $0.id == draft.previewUserID }?.id ?? people.first?.id
            let catalog = try await MessageOverrides.catalog(for: try organization.requireID(), base: req.herald.catalog, on: req.db)
            view.message = .init(
                languages: Language.allCases.map { Option(value: $0.rawValue, label: $0.nativeName, selected: $0 == request.language) },
                subject: request.subject ?? ClientInvitationPlanner.defaultSubject(request.language, organization: organization, catalog: catalog),
                template: request.template ?? ClientInvitationPlanner.defaultTemplate(request.language, organization: organization, catalog: catalog),
                previewChoices: try people.map { Option(value: try $0.requireID().uuidString, label: "\($0.name) <\($0.email)>", selected: $0.id == previewID) },
                previewURL: preview && view.errors.isEmpty ? previewID.map { "/console/client-invitations/wizard/preview?user=\($0.uuidString)" } : nil,
                variables: InvitationTemplate.Variable.allCases.map(\.token))
            if case .success(let (_, template)) = messageTemplates(draft, req) { view.warnings = ClientInvitationPlan.warnings(for: template) }
        case .summary:
            do {
                let plan = try await ClientInvitationPlanner.plan(request, organization: organization, catalog: req.herald.catalog, publicURL: req.herald.configuration.publicURL, on: req.db)
                view.warnings = plan.warnings
                view.summary = .init(
                    recipients: plan.recipients.map { .init(name: $0.name, email: $0.email) },
                    deviceCounts: plan.settings.deviceTypes.map { .init(device: ClientChoiceLabels.device($0), messages: plan.recipients.count) },
                    server: plan.settings.server.text, port: plan.settings.port, mode: ClientChoiceLabels.mode(plan.settings.mode),
                    usesTLS: plan.settings.mode.usesTLS, authentication: ClientChoiceLabels.authentication(plan.settings.authentication),
                    credentialProvider: plan.settings.credentialProvider ?? "", language: plan.language.nativeName,
                    subject: plan.recipients.first.map { plan.message(for: $0).subject } ?? "",
                    launchLink: ClientLaunchLink.url(scheme: plan.downloads.urlScheme, settings: plan.settings))
            } catch let abort as any AbortError where abort.status.code < 500 {
                view.errors.append(abort.reason)
            }
        }
        let page = try await req.renderPage("client-wizard-\(step.rawValue)", section: .clientInvitations, title: "Invite users: \(step.title)", view)
        let response = try await page.encodeResponse(for: req).get()
        response.status = status
        return response
    }
}

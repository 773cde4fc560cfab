import Fluent
import Vapor

/// Every route Herald serves, grouped by who may call it.
func routes(_ app: Application) throws {
    app.get("healthz", use: HealthController.check)
    // Liveness without the database: for a load balancer that should not pull every instance when the shared
    // database hiccups, and the "bare route" Benchmarks/http-load compares Herald's pages with.
    app.get("livez") { _ in "ok" }
    app.get("metrics", use: MetricsController.scrape)
    app.get { req in req.redirect(to: "/console") }

    // Browser pages share sessions and CSRF protection.
    let browser = app.grouped(app.sessions.middleware, Account.sessionAuthenticator(), CSRFMiddleware())

    let setup = SetupController()
    browser.get("setup", ":token", use: setup.form)
    browser.post("setup", ":token", use: setup.create)

    // Invitee pages behind secret links: their forms carry a token bound to the link, so a GET writes nothing.
    let invitee = app.grouped(InviteeSessionsMiddleware(
        sessions: app.sessions.middleware, authenticator: Account.sessionAuthenticator(), cookieName: app.sessions.configuration.cookieName
    ), LinkBoundCSRFMiddleware())
    let join = JoinController()
    invitee.get("join", ":token", use: join.showNow)
    invitee.post("join", ":token", use: join.join)

    let session = SessionController()
    browser.get("signin", use: session.form)
    browser.post("signin", use: session.signIn)
    browser.post("signout", use: session.signOut)

    // The console: a signed-in, active member, in the organization they chose.
    let console = browser.grouped("console").grouped(ConsoleContextMiddleware())
    console.post("organization", use: session.switchOrganization)
    console.get(use: DashboardController.show)

    // Administration pages: account administrators only.
    let admin = console.grouped(RequireAdministratorMiddleware())
    console.post("leave", use: MembersController.leave)
    admin.get("members", use: MembersController.list)
    for change in [MembershipChanges.Change.promote, .demote, .block, .unblock, .remove] {
        admin.post("members", ":id", .constant(change.rawValue), use: MembersController.change(change))
    }
    admin.post("members", ":id", "license-keys", use: MembersController.grant)
    admin.get("invitations", use: InvitationsController.list)
    let joinInvitations = JoinInvitationsController()
    admin.on(.POST, "invitations", "join", body: .collect(maxSize: "10mb"), use: joinInvitations.create)
    admin.post("invitations", ":id", "resend", use: joinInvitations.resend)
    admin.post("invitations", ":id", "revoke", use: joinInvitations.revoke)
    admin.get("client-invitations", use: ClientInvitationsController.list)
    let wizard = ClientWizardController()
    admin.post("client-invitations", "wizard", "start", use: wizard.start)
    // Not under wizard/mail/: the router would then never reach wizard/:step for POST wizard/mail.
    admin.post("client-invitations", "wizard", "test-email", use: wizard.sendTest)
    admin.get("client-invitations", "wizard", "preview", use: ClientInvitationsController.preview)
    admin.post("client-invitations", "wizard", "send", use: ClientInvitationsController.send)
    admin.get("client-invitations", "wizard", ":step", use: wizard.show)
    admin.post("client-invitations", "wizard", ":step", use: wizard.submit)
    admin.get("client-invitations", "batches", ":id", use: ClientInvitationsController.progress)
    admin.get("client-invitations", "settings", use: ClientSettingsController.form)
    admin.post("client-invitations", "settings", use: ClientSettingsController.save)

    admin.get("directory", use: DirectoryController.show)
    admin.post("directory", "users", use: DirectoryController.createUser)
    admin.post("directory", "users", ":id", ":action", use: DirectoryController.userAction)
    admin.post("directory", "import", use: DirectoryController.importUsers)
    admin.post("directory", "groups", use: DirectoryGroupsController.create)
    admin.get("directory", "groups", ":id", use: DirectoryGroupsController.show)
    admin.post("directory", "groups", ":id", "members", use: DirectoryGroupsController.addMember)
    admin.post("directory", "groups", ":id", "members", "remove", use: DirectoryGroupsController.removeMember)
    admin.post("directory", "groups", ":id", "delete", use: DirectoryGroupsController.delete)
    admin.get("audit", use: AuditController.list)

    let mail = MailSettingsController()
    admin.get("mail", use: mail.form)
    admin.post("mail", use: mail.save)
    admin.post("mail", "test", use: mail.sendTest)

    let templates = TemplatesController()
    admin.get("templates", use: templates.show)
    admin.post("templates", use: templates.submit)

    let tokens = APITokensController()
    admin.get("api-tokens", use: tokens.list)
    admin.post("api-tokens", use: tokens.create)
    admin.post("api-tokens", ":id", "revoke", use: tokens.revoke)

    // The JSON API: Bearer tokens, JSON errors. Its OpenAPI document is public (OpenAPITests keeps it true).
    let openAPI = try OpenAPIDocument.load(directory: app.directory.resourcesDirectory)
    app.get("api", "v1", "openapi.json") { _ in openAPI.response() }
    let api = app.grouped("api", "v1")
        .grouped(JSONBodyMiddleware(exceptions: ["/api/v1/directory/users/import": .init(type: "text", subType: "csv")]))
        .grouped(APITokenMiddleware())
    api.get("organization", use: APIController.organization)
    api.get("members", use: APIController.members)
    for change in [MembershipChanges.Change.promote, .demote, .block, .unblock, .remove] {
        api.post("members", ":id", .constant(change.rawValue), use: APIController.changeMember(change))
    }
    api.put("members", ":id", "license-keys", use: APIController.grantLicenseKeys)
    api.get("invitations", use: APIController.invitations)
    api.post("invitations", "join", use: APIController.inviteToJoin)
    api.post("invitations", ":id", "resend", use: APIController.resendInvitation)
    api.post("invitations", ":id", "revoke", use: APIController.revokeInvitation)
    api.get("audit-events", use: APIController.auditEvents)
    api.get("api-tokens", use: APIController.apiTokens)
    api.post("api-tokens", use: APIController.createAPIToken)
    api.delete("api-tokens", ":id", use: APIController.revokeAPIToken)
    api.get("mail-settings", use: APIController.mailSettings)
    api.put("mail-settings", use: APIController.updateMailSettings)
    api.post("mail-settings", "test", use: APIController.sendTestEmail)
    api.get("outbox", use: APIController.outbox)
    api.post("client-invitations", use: APIController.createClientInvitations)
    api.get("directory", "users", use: APIController.directoryUsers)
    api.post("directory", "users", use: APIController.createDirectoryUser)
    api.post("directory", "users", "import", use: APIController.importDirectoryUsers)
    api.patch("directory", "users", ":id", use: APIController.updateDirectoryUser)
    api.delete("directory", "users", ":id", use: APIController.deleteDirectoryUser)
    api.get("directory", "groups", use: APIController.directoryGroups)
    api.post("directory", "groups", use: APIController.createDirectoryGroup)
    api.delete("directory", "groups", ":id", use: APIController.deleteDirectoryGroup)
    api.post("directory", "groups", ":id", "members", use: APIController.addDirectoryMember)
    api.delete("directory", "groups", ":id", "members", use: APIController.removeDirectoryMember)

    registerLicenseRoutes(app: app, invitee: invitee, console: console, api: api)
    api.get("stats", use: APIController.stats)
}

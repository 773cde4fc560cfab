import Fluent
import Vapor

/// Every route Herald serves, grouped by who may call it.
func routes(_ app: Application) throws {
    app.get("healthz", use: HealthController.check)
    app.get { req in req.redirect(to: "/console") }

    // Browser pages share sessions and CSRF protection.
    let browser = app.grouped(app.sessions.middleware, Account.sessionAuthenticator(), CSRFMiddleware())

    let setup = SetupController()
    browser.get("setup", ":token", use: setup.form)
    browser.post("setup", ":token", use: setup.create)

    let join = JoinController()
    browser.get("join", ":token", use: join.show)
    browser.post("join", ":token", use: join.join)

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
    admin.get("members", use: MembersController.list)
    admin.get("invitations", use: InvitationsController.list)
    admin.get("licenses", use: LicensesController.list)
    admin.get("client-invitations", use: ClientInvitationsController.list)
    admin.get("directory", use: DirectoryController.show)
    admin.get("audit", use: AuditController.list)

    let mail = MailSettingsController()
    admin.get("mail", use: mail.form)
    admin.post("mail", use: mail.save)
    admin.post("mail", "test", use: mail.sendTest)

    let tokens = APITokensController()
    admin.get("api-tokens", use: tokens.list)
    admin.post("api-tokens", use: tokens.create)
    admin.post("api-tokens", ":id", "revoke", use: tokens.revoke)

    // The JSON API: Bearer tokens, JSON errors.
    let api = app.grouped("api", "v1").grouped(APITokenMiddleware())
    api.get("organization", use: APIController.organization)
    api.get("members", use: APIController.members)
    api.get("audit-events", use: APIController.auditEvents)
    api.get("api-tokens", use: APIController.apiTokens)
    api.post("api-tokens", use: APIController.createAPIToken)
    api.delete("api-tokens", ":id", use: APIController.revokeAPIToken)
    api.get("mail-settings", use: APIController.mailSettings)
    api.put("mail-settings", use: APIController.updateMailSettings)
    api.post("mail-settings", "test", use: APIController.sendTestEmail)
    api.get("outbox", use: APIController.outbox)
}

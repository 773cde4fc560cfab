import Fluent
import Vapor

/// The route groups every feature registers on, by who may call them. Each feature's routes are in its own folder
/// (`<Feature>/<Feature>Routes.swift`); this file only decides each group's middleware.
struct RouteGroups {
    /// What the controllers are built with.
    let services: HeraldServices
    /// No session: health, metrics, and the products' activation API.
    let app: any RoutesBuilder
    /// Browser pages: sessions and CSRF protection.
    let browser: any RoutesBuilder
    /// Invitee pages behind secret links: their forms carry a token bound to the link, so a GET writes nothing.
    let invitee: any RoutesBuilder
    /// The console: a signed-in, active member, in the organization they chose.
    let console: any RoutesBuilder
    /// Administration pages: account administrators only.
    let admin: any RoutesBuilder
    /// The JSON API: Bearer tokens, JSON errors.
    let api: any RoutesBuilder
}

func routes(_ app: Application) throws {
    app.get { req in req.redirect(to: "/console") }
    let browser = app.grouped(app.sessions.middleware, Account.sessionAuthenticator(), CSRFMiddleware())
    let invitee = app.grouped(InviteeErrorMiddleware(), InviteeSessionsMiddleware(
        sessions: app.sessions.middleware, authenticator: Account.sessionAuthenticator(), cookieName: app.sessions.configuration.cookieName
    ), LinkBoundCSRFMiddleware())
    let console = browser.grouped("console").grouped(ConsoleContextMiddleware())
    // The API's OpenAPI document is public (OpenAPITests keeps it true).
    let openAPI = try OpenAPIDocument.load(directory: app.directory.resourcesDirectory)
    app.get("api", "v1", "openapi.json") { _ in openAPI.response() }
    let api = app.grouped("api", "v1")
        .grouped(JSONBodyMiddleware(exceptions: ["/api/v1/directory/users/import": .init(type: "text", subType: "csv"),
                                                 "/api/v1/suppressions/import": .init(type: "text", subType: "csv")]))
        .grouped(APITokenMiddleware())
    let groups = RouteGroups(
        services: app.herald, app: app, browser: browser, invitee: invitee, console: console, admin: console.grouped(RequireAdministratorMiddleware()), api: api
    )
    registerOperationsRoutes(groups)
    registerAuthRoutes(groups)
    registerDashboardRoutes(groups)
    registerMemberRoutes(groups)
    registerInvitationRoutes(groups)
    registerJoinInvitationRoutes(groups)
    registerClientInvitationRoutes(groups)
    registerDirectoryRoutes(groups)
    registerAuditRoutes(groups)
    registerMailRoutes(groups)
    registerTemplateRoutes(groups)
    registerAPIRoutes(groups)
    registerLicenseKeyRoutes(groups)
    registerInstallInvitationRoutes(groups)
    registerWebhookRoutes(groups)
    registerTwoFactorRoutes(groups)
    registerSingleSignOnRoutes(groups)
    registerSuppressionRoutes(groups)
    registerSCIMRoutes(groups, schemas: try SCIMSchemas.load(directory: app.directory.resourcesDirectory))
}

import HeraldCore
import Vapor

/// `/scim/v2`: one base URL for every organization; the Bearer token decides which. Errors are SCIM error bodies
/// (`HeraldErrorMiddleware` answers in SCIM's words under `/scim/`).
func registerSCIMRoutes(_ groups: RouteGroups, schemas: [JSONValue]) {
    let scim = groups.app.grouped("scim", "v2").grouped(SCIMAuthenticationMiddleware())
    SCIMDiscoveryController(schemas: schemas).register(on: scim)
    SCIMUsersController().register(on: scim)
    SCIMGroupsController().register(on: scim)
}

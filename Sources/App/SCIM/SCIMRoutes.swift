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

/// A SCIM resource endpoint (`/Users`, `/Groups`): the six operations of RFC 7644 §3, bodies collected up to
/// `SCIMSchemas.maxBody`.
protocol SCIMResourceController: Sendable {
    var path: PathComponent { get }
    func list(_ req: Request) async throws -> Response
    func show(_ req: Request) async throws -> Response
    func create(_ req: Request) async throws -> Response
    func replace(_ req: Request) async throws -> Response
    func patch(_ req: Request) async throws -> Response
    func delete(_ req: Request) async throws -> HTTPStatus
}

extension SCIMResourceController {
    func register(on routes: any RoutesBuilder) {
        let resources = routes.grouped(path)
        resources.get(use: list)
        resources.get(":id", use: show)
        resources.on(.POST, body: .collect(maxSize: SCIMSchemas.maxBody), use: create)
        resources.on(.PUT, ":id", body: .collect(maxSize: SCIMSchemas.maxBody), use: replace)
        resources.on(.PATCH, ":id", body: .collect(maxSize: SCIMSchemas.maxBody), use: patch)
        resources.delete(":id", use: delete)
    }
}

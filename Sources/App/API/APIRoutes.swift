import Vapor

/// The API's own routes (the organization a token belongs to) and API tokens in the console and the API.
func registerAPIRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let tokens = APITokensController()
    groups.admin.get("api-tokens", use: tokens.list)
    groups.recentlyAuthenticated.consoleForm("api-tokens", page: tokens.list, use: tokens.create)
    groups.recentlyAuthenticated.confirmed("api-tokens", ":id", "revoke", section: .apiTokens, describe: tokens.describeRevoke, perform: tokens.revoke)
    groups.api.get("organization", use: apiController.organization)
    groups.api.get("api-tokens", use: apiController.apiTokens)
    groups.apiAdministration.post("api-tokens", use: apiController.createAPIToken)
    groups.apiAdministration.delete("api-tokens", ":id", use: apiController.revokeAPIToken)
}

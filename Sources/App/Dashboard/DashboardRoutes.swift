import Vapor

/// The console's first page and the API's statistics.
func registerDashboardRoutes(_ groups: RouteGroups) {
    groups.console.get(use: DashboardController.show)
    groups.api.get("stats", use: APIController.stats)
}

import Vapor

/// The console's first page and the API's statistics.
func registerDashboardRoutes(_ groups: RouteGroups) {
    let apiController = APIController()
    let dashboard = DashboardController()
    groups.console.get(use: dashboard.show)
    groups.api.get("stats", use: apiController.stats)
}

import Vapor

/// Health, liveness and metrics.
func registerOperationsRoutes(_ groups: RouteGroups) {
    let health = HealthController()
    let metrics = MetricsController()
    groups.app.get("healthz", use: health.check)
    // Liveness without the database: for a load balancer that should not pull every instance when the shared
    // database hiccups, and the "bare route" Benchmarks/http-load compares Herald's pages with.
    groups.app.get("livez") { _ in "ok" }
    groups.app.get("metrics", use: metrics.scrape)
}

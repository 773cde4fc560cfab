import Vapor

/// The audit log.
func registerAuditRoutes(_ groups: RouteGroups) {
    groups.admin.get("audit", use: AuditController.list)
    groups.api.get("audit-events", use: APIController.auditEvents)
}

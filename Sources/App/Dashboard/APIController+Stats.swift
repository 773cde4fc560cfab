import Vapor

/// `GET /api/v1/stats`: the dashboard's figures as JSON, for monitoring and scripts.
extension APIController {
    func stats(_ req: Request) async throws -> DashboardStats {
        try await DashboardStats.load(organizationID: req.api.organizationID, on: req.db)
    }
}

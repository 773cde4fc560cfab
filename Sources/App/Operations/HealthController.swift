import Fluent
import SQLKit
import Vapor

/// `GET /healthz`: 200 when the database answers, 503 otherwise; for load balancers and monitoring.
struct HealthController {
    struct Health: Content {
        let status: String
        let database: String
    }

    func check(_ req: Request) async throws -> Response {
        do {
            _ = try await req.db.sql.raw("SELECT 1").all()
            return try await Health(status: "ok", database: "ok").encodeResponse(status: .ok, for: req)
        } catch {
            req.logger.warning("health check: database unreachable: \(String(reflecting: error))")
            return try await Health(status: "unavailable", database: "unreachable").encodeResponse(status: .serviceUnavailable, for: req)
        }
    }
}

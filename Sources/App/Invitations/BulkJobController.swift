import Vapor

/// A bulk job's progress: the console's page (`/console/bulk-jobs/:id`) and the JSON its script polls, and the
/// API's `GET /api/v1/bulk-jobs/:id`. Another organization's job, or an id that is no job, is a 404.
struct BulkJobController {
    static func progress(_ req: Request, organizationID: UUID) async throws -> BulkJobProgress {
        guard let progress = try await BulkJobs.progress(req.parameters.get("id", as: UUID.self), organizationID: organizationID, on: req.db) else {
            throw Abort(.notFound, reason: "id: no such bulk job in your organization")
        }
        return progress
    }

    struct ViewModel: Encodable {
        let job: BulkJobProgress
        let texts: [String: String]
        let language: String
        let percent: Int
        let processed: Int
        let isRunning: Bool
        let hasFailures: Bool
        let statusText: String
        let finishedAt: String?
        let moreFailures: Bool
    }

    /// Works without script: while the job runs a `<noscript>` meta refresh reloads it, and a link does the same by
    /// hand; with script, `/js/bulk-progress.js` polls the JSON below and moves the numbers and the bar in place.
    func page(_ req: Request) async throws -> View {
        let context = try req.console
        let job = try await Self.progress(req, organizationID: context.organizationID)
        let language = TwoFactorTexts.language(req, account: context.account)
        let catalog = req.herald.catalog
        var texts = Dictionary(uniqueKeysWithValues: BulkJobTexts.names.map { ($0, catalog.text("bulk.\($0)", language)) })
        for status in BulkJob.Status.allCases { texts["status_\(status.rawValue)"] = catalog.text("bulk.status_\(status.rawValue)", language) }
        texts["more_failures"] = catalog.text("bulk.more_failures", language, ["count": String(BulkJobs.maximumReported)])
        let model = ViewModel(job: job, texts: texts, language: language.rawValue,
                              percent: job.total == 0 ? 100 : (job.done + job.failed) * 100 / job.total,
                              processed: job.done + job.failed, isRunning: !job.isOver, hasFailures: !job.failures.isEmpty,
                              statusText: texts["status_\(job.status.rawValue)"] ?? job.status.rawValue,
                              finishedAt: job.finishedAt.map { LocalizedDate.format($0, language) },
                              moreFailures: job.failed > job.failures.count)
        return try await req.renderPage("bulk-job", section: .invitations, title: texts["title"], model)
    }

    func json(_ req: Request) async throws -> BulkJobProgress {
        try await Self.progress(req, organizationID: try req.console.organizationID)
    }
}

/// The progress page's wording, catalog keys `bulk.<name>`.
enum BulkJobTexts {
    static let names = ["title", "action_resend", "action_revoke", "selection", "progress", "done", "failed", "status",
                        "finished_at", "leave", "reload", "failures", "problem", "back"]
}

extension APIController {
    func bulkJob(_ req: Request) async throws -> BulkJobProgress {
        try await BulkJobController.progress(req, organizationID: try req.api.organizationID)
    }
}

import Fluent
import SQLKit

/// Bulk resends and revokes run as background jobs (#18): the job with its progress and lease, and its fixed
/// selection of invitations by position.
struct CreateBulkJobs: AsyncMigration {
    static let claimIndex = "ix_bulk_jobs_status_updated"

    func prepare(on database: any Database) async throws {
        try await database.schema(BulkJob.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("action", .string, .required)
            .field("filter", .string, .required)
            .field("total", .int, .required)
            .field("processed", .int, .required)
            .field("done", .int, .required)
            .field("failed", .int, .required)
            .field("status", .string, .required)
            .field("problem", .string)
            .field("errors", .int, .required)
            .field("leased_by", .string)
            .field("lease_expires_at", .datetime)
            .field("actor_account_id", .uuid, .references(Account.schema, .id, onDelete: .setNull))
            .field("actor_kind", .string, .required)
            .field("actor_label", .string, .required)
            .field("started_at", .datetime)
            .field("finished_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(BulkJobItem.schema)
            .field("job_id", .uuid, .required, .references(BulkJob.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("invitation_id", .uuid, .required)
            .field("outcome", .string)
            .field("reason", .string)
            .compositeIdentifier(over: "job_id", "position")
            .create()
        try await database.sql.create(index: Self.claimIndex).on(BulkJob.schema).column("status").column("updated_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BulkJobItem.schema).delete()
        try await database.schema(BulkJob.schema).delete()
    }
}

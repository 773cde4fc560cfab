import Fluent
import Foundation

/// A bulk resend or revoke too large for one request (`InvitationBulk.backgroundThreshold`), worked through in
/// chunks by whichever Herald instance claims it next (`BulkJobWorker`). The selection is fixed when the job is
/// created (`BulkJobItem`), so `total` never moves and an invitation that stops or starts matching the filter
/// meanwhile is neither skipped nor added.
final class BulkJob: Model, @unchecked Sendable {
    static let schema = "bulk_jobs"

    /// Stored as text in `bulk_jobs.status`, like the outbox's and webhooks' statuses.
    enum Status: String, Codable, Sendable, CaseIterable {
        case queued, running, finished, failed
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "action") var action: InvitationBulk.Action
    /// The filter as people read it ("pending join invitations created 7 or more days ago").
    @Field(key: "filter") var filter: String
    @Field(key: "total") var total: Int
    /// Items settled so far (done + failed): the next chunk starts at this position.
    @Field(key: "processed") var processed: Int
    @Field(key: "done") var done: Int
    @Field(key: "failed") var failed: Int
    @Enum(key: "status") var status: Status
    /// Why a failed job stopped, in words for a person.
    @OptionalField(key: "problem") var problem: String?
    /// Chunks in a row that stopped on an error other than an invitation's refusal; reset by a settled chunk.
    @Field(key: "errors") var errors: Int
    @OptionalField(key: "leased_by") var leasedBy: String?
    @OptionalField(key: "lease_expires_at") var leaseExpiresAt: Date?
    /// Who asked: the account (console or API token), its label for the audit log, and how (`BulkJobActor`).
    @OptionalField(key: "actor_account_id") var actorAccountID: UUID?
    @Field(key: "actor_kind") var actorKind: String
    @Field(key: "actor_label") var actorLabel: String
    @OptionalField(key: "started_at") var startedAt: Date?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}

/// One invitation of a job's fixed selection, at its position; `outcome` is set the moment it is changed (or
/// refused), so a chunk taken over after its worker died skips what was already done.
enum BulkJobItem {
    static let schema = "bulk_job_items"
}

import Fluent
import Foundation

/// One directory sync and its report: what it added, updated, disabled and removed, and what went wrong.
final class DirectorySyncRun: Model, @unchecked Sendable {
    static let schema = "directory_sync_runs"

    enum Status: String, Codable, Sendable {
        case running, succeeded, failed
    }

    enum Trigger: String, Codable, Sendable {
        case schedule, console, api, cli
    }

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "trigger") var trigger: Trigger
    @Field(key: "status") var status: Status
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @Field(key: "users_added") var usersAdded: Int
    @Field(key: "users_updated") var usersUpdated: Int
    @Field(key: "users_disabled") var usersDisabled: Int
    @Field(key: "users_removed") var usersRemoved: Int
    @Field(key: "groups_added") var groupsAdded: Int
    @Field(key: "groups_updated") var groupsUpdated: Int
    @Field(key: "groups_removed") var groupsRemoved: Int
    /// Why the run failed, as an administrator reads it.
    @OptionalField(key: "error") var error: String?
    /// Entries skipped and why (no email, a duplicate email...), the first few, one per line.
    @OptionalField(key: "warnings") var warnings: String?
    @Field(key: "warning_count") var warningCount: Int

    init() {}

    init(organizationID: UUID, trigger: Trigger, startedAt: Date) {
        self.$organization.id = organizationID
        self.trigger = trigger
        self.status = .running
        self.startedAt = startedAt
        (usersAdded, usersUpdated, usersDisabled, usersRemoved) = (0, 0, 0, 0)
        (groupsAdded, groupsUpdated, groupsRemoved, warningCount) = (0, 0, 0, 0)
    }
}

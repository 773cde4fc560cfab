import Fluent
import Foundation

/// Why an address is on an organization's suppression list. The raw values are stored and shown in the API and CSV.
enum SuppressionReason: String, Codable, Sendable, CaseIterable {
    /// The receiving server refused the address for good (a 5.x.x bounce).
    case hardBounce = "hard_bounce"
    /// `softBounceLimit` temporary bounces within the organization's window (`SuppressionPolicy`).
    case softBounces = "soft_bounces"
    /// An administrator added it.
    case manual
    /// It came from an imported CSV.
    case imported
}

/// One address an organization no longer sends invitations to, until an administrator clears it (`Suppressions`).
/// Unique per organization and address (normalised as invitations store it), so two bounces arriving together
/// suppress once.
final class SuppressedAddress: Model, @unchecked Sendable {
    static let schema = "suppressed_addresses"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "address") var address: String
    @Field(key: "reason") var reason: SuppressionReason
    /// The remote server's words for a bounce, or the administrator's note; one line, scrubbed.
    @OptionalField(key: "remote_reason") var remoteReason: String?
    /// Who added it: an administrator's email, "api token …", "command line", or "bounce".
    @Field(key: "added_by") var addedBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// One temporary bounce, kept for `SuppressionPolicy.softBounceWindowDays` so the next one can count the recent ones.
final class SoftBounce: Model, @unchecked Sendable {
    static let schema = "soft_bounces"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "address") var address: String
    @OptionalField(key: "reason") var reason: String?
    @Field(key: "bounced_at") var bouncedAt: Date

    init() {}
}

/// An organization's thresholds and reminder steps, where it changed the defaults (no row: the defaults).
final class DeliverabilitySettings: Model, @unchecked Sendable {
    static let schema = "deliverability_settings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "soft_bounce_limit") var softBounceLimit: Int
    @Field(key: "soft_bounce_window_days") var softBounceWindowDays: Int
    /// Days before expiry a join invitation is reminded, comma-separated, e.g. "3,1"; empty: no reminders.
    @Field(key: "join_reminder_days") var joinReminderDays: String
    /// The same for install invitations.
    @Field(key: "install_reminder_days") var installReminderDays: String

    init() {}
}

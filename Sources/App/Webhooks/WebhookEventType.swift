/// The stable type names of webhook events. The raw values are a public contract (receivers switch on them and the
/// OpenAPI document lists them): add new ones, never rename one.
enum WebhookEventType: String, Codable, Sendable, CaseIterable {
    case invitationCreated = "invitation.created"
    /// The receiving mail server accepted the invitation's email: once for the invitation and once per resend (which
    /// issues a new link and clears `sent_at`); reminders do not repeat it.
    case invitationSent = "invitation.sent"
    /// The receiving mail server accepted one message of the invitation (its 250 reply to the message's data): the
    /// invitation email, a resend or a reminder, each once, with the server's reply (`InvitationRowEvents.emitDelivered`).
    case invitationDelivered = "invitation.delivered"
    case invitationAccepted = "invitation.accepted"
    case invitationExpired = "invitation.expired"
    /// A bounce came back for the invitation's email (`BounceRecorder`); hard ones also mark it bounced.
    case invitationBounced = "invitation.bounced"
    /// The invitee opened the invitation's page for the first time (`InvitationTracking.markOpened`); once per invitation.
    case invitationOpened = "invitation.opened"
    case invitationRevoked = "invitation.revoked"
    /// A reminder of a pending invitation was queued (`InvitationReminders`).
    case invitationReminded = "invitation.reminded"
    case memberJoined = "member.joined"
    case memberPromoted = "member.promoted"
    case memberDemoted = "member.demoted"
    case memberBlocked = "member.blocked"
    case memberUnblocked = "member.unblocked"
    case memberRemoved = "member.removed"
    case activationSucceeded = "activation.succeeded"
    case activationRefused = "activation.refused"
    case installationDeactivated = "installation.deactivated"
    case installationBlocked = "installation.blocked"
    /// A key's seat use crossed 80 % (`SeatAlerts`).
    case seatsNearLimit = "seats.near_limit"
    /// Every seat of a key is in use (`SeatAlerts`).
    case seatsFull = "seats.full"
    case directorySyncFinished = "directory.sync_finished"
    /// Sent by "send test event"; every endpoint accepts it whatever its filter.
    case test = "webhook.test"
}

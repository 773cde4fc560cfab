/// What the database stores for an invitation. `expired` is usually derived
/// (see `InvitationLifecycle.effectiveStatus`), not written, so no job has to
/// flip rows at midnight.
public enum InvitationStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case accepted
    case expired
    case revoked
    /// A hard bounce (5.x.x) came back for its email (`BounceRecorder`): the person never got the link or code.
    case bounced
}

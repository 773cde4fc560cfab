/// What an invitation grants: a membership, a licensed installation, or a
/// configured remote-access client.
public enum InvitationKind: String, Sendable, Hashable, Codable, CaseIterable {
    case join
    case install
    case client
}

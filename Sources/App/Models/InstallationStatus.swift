/// What the `status` column of `installations` holds.
package enum InstallationStatus: String, Codable, Sendable, CaseIterable {
    /// Holds a seat.
    case active
    /// Freed its seat; its certificate serial is on the revocation list.
    case deactivated
    /// Freed its seat and its fingerprint may never activate the key again.
    case blocked
    /// A leased seat whose computer missed its heartbeat window: the seat is free; checking in again takes one back
    /// if one is free.
    case lapsed
}

/// What the `status` column of `activation_codes` holds.
enum ActivationCodeStatus: String, Codable, Sendable {
    case unused, used
}

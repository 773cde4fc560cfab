/// What the `status` column of `installations` holds.
package enum InstallationStatus: String, Codable, Sendable, CaseIterable {
    /// Holds a seat.
    case active
    /// Freed its seat; its certificate serial is on the revocation list.
    case deactivated
    /// Freed its seat and its fingerprint may never activate the key again.
    case blocked
}

/// What the `status` column of `activation_codes` holds.
enum ActivationCodeStatus: String, Codable, Sendable {
    case unused, used
}

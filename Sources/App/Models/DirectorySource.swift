import Foundation

/// Where a directory record came from. Records from an external source belong to it: the console, the API and the
/// CSV import may not change them while the organization is provisioned by that source.
enum DirectorySource: String, Codable, Sendable, CaseIterable {
    case manual
    case csv
    case ldap
    case scim

    var isExternal: Bool { self == .ldap || self == .scim }
}

/// How an organization's directory is filled: by hand and CSV (the default), by LDAP sync, or by SCIM pushes.
enum DirectoryProvisioning: String, Codable, Sendable, CaseIterable {
    case csv
    case ldap
    case scim

    /// The record source this provisioning writes, and whose records it alone may change.
    var recordSource: DirectorySource? {
        switch self {
        case .csv: nil
        case .ldap: .ldap
        case .scim: .scim
        }
    }

    /// How the console and refusals name it.
    var label: String {
        switch self {
        case .csv: "hand and CSV import"
        case .ldap: "LDAP sync"
        case .scim: "SCIM"
        }
    }
}

import Foundation
import HeraldCore
import LDAP
import MIME

/// A user entry as the sync needs it, read through the organization's attribute mapping.
struct SyncedUser {
    let externalID: String
    let dn: String
    let userName: String?
    let email: String
    let name: String
    let enabled: Bool
}

/// A group entry: its members as DNs, resolved to users and groups once every entry is known.
struct SyncedGroup {
    let externalID: String
    let dn: String
    let name: String
    let memberDNs: [String]
}

/// Why an entry was skipped: shown in the sync report, so the administrator can fix the entry in the directory.
struct SkippedEntry: Error {
    let dn: String
    let reason: String
    var line: String { "\(dn): \(reason)" }
}

extension LDAPAttributeMapping {
    func user(from entry: LDAPEntry) throws(SkippedEntry) -> SyncedUser {
        guard let externalID = stableID(of: entry) else { throw SkippedEntry(dn: entry.dn, reason: "has no \(id)") }
        let emailText = entry.string(email) ?? entry.string("userPrincipalName")
        guard let emailText, let address = try? EmailAddress(emailText) else {
            throw SkippedEntry(dn: entry.dn, reason: "has no valid email address in \(email)")
        }
        let login = entry.string(login).flatMap(Self.clean)
        let displayName = entry.string(name).flatMap(Self.clean) ?? entry.string("cn").flatMap(Self.clean) ?? login ?? address.normalized
        let disabled = disabledAttribute.map { isDisabled(values: entry.strings($0)) } ?? false
        return SyncedUser(externalID: externalID, dn: entry.dn, userName: login, email: address.normalized, name: displayName, enabled: !disabled)
    }

    func group(from entry: LDAPEntry) throws(SkippedEntry) -> SyncedGroup {
        guard let externalID = stableID(of: entry) else { throw SkippedEntry(dn: entry.dn, reason: "has no \(id)") }
        guard let groupName = entry.string(name).flatMap(Self.clean) ?? entry.string("cn").flatMap(Self.clean) else {
            throw SkippedEntry(dn: entry.dn, reason: "has no name (\(name) or cn)")
        }
        return SyncedGroup(externalID: externalID, dn: entry.dn, name: groupName, memberDNs: entry.strings(member))
    }

    /// `objectGUID` is 16 bytes, shown in Active Directory's own form; any other identifier is text.
    private func stableID(of entry: LDAPEntry) -> String? {
        if id.caseInsensitiveCompare("objectGUID") == .orderedSame { return entry.objectGUID(id) }
        return entry.string(id).flatMap(Self.clean)
    }

    /// Text a directory holds reaches pages, CSV cells and mail headers: no control characters, bounded length.
    static func clean(_ text: String) -> String? {
        let scalars = text.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }
        let cleaned = String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespaces)
        guard !cleaned.isEmpty else { return nil }
        return String(cleaned.prefix(200))
    }
}

/// DNs compare without case and without spaces around separators (`CN=Ann, OU=People` is `cn=ann,ou=people`).
enum DistinguishedName {
    static func key(_ dn: String) -> String {
        dn.split(separator: ",").map { part in
            part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "=")
        }.joined(separator: ",").lowercased()
    }
}

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
        if id.utf8.count == 10, id.lowercased() == "objectguid" { return entry.objectGUID(id) }
        return entry.string(id).flatMap(Self.clean)
    }

    /// Text a directory holds reaches pages, CSV cells and mail headers: no control characters (Unicode's Cc and
    /// Cf, Foundation's `controlCharacters`), no spaces or tabs around it, bounded length. Written on scalars
    /// rather than with `CharacterSet`: a sync cleans several values of each of 100,000 entries, and the
    /// Foundation calls were a quarter of an unchanged sync's time (BENCHMARKS.md, directory sync).
    static func clean(_ text: String) -> String? {
        let scalars = text.unicodeScalars
        if text.utf8.count <= 200, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) || !scalars.contains(where: isControl),
           let first = scalars.first, let last = scalars.last, !isSpace(first), !isSpace(last) {
            return text
        }
        var kept = String.UnicodeScalarView(scalars.filter { !isControl($0) })
        while let first = kept.first, isSpace(first) { kept.removeFirst() }
        while let last = kept.last, isSpace(last) { kept.removeLast() }
        guard !kept.isEmpty else { return nil }
        return String(String(kept).prefix(200))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format: true
        default: false
        }
    }

    /// Foundation's `whitespaces`: tab and the space separators.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
    }
}

/// DNs compare without case and without spaces around separators (`CN=Ann, OU=People` is `cn=ann,ou=people`).
enum DistinguishedName {
    static func key(_ dn: String) -> String {
        // The common form, written by the server itself: no spaces to remove, so only the case to fold.
        if dn.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x80 }) || !dn.unicodeScalars.contains(where: LDAPAttributeMapping.isSpace) {
            return dn.lowercased()
        }
        return dn.split(separator: ",", omittingEmptySubsequences: false).map { part in
            part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map { trimmed($0) }.joined(separator: "=")
        }.joined(separator: ",").lowercased()
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var scalars = text.unicodeScalars[...]
        while let first = scalars.first, LDAPAttributeMapping.isSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, LDAPAttributeMapping.isSpace(last) { scalars.removeLast() }
        return Substring(scalars)
    }
}

import Foundation

/// Which LDAP attributes hold what Herald's directory needs, with the two schemas administrators meet most:
/// Active Directory (`user`/`group`, `objectGUID`, `userAccountControl`) and OpenLDAP (`inetOrgPerson`/`groupOfNames`,
/// `entryUUID`). Every name can be changed per organization; the presets are where the form starts.
public struct LDAPAttributeMapping: Sendable, Equatable, Codable {
    public enum Preset: String, Sendable, CaseIterable, Codable {
        case activeDirectory = "active_directory"
        case openLDAP = "openldap"
    }

    /// The stable identifier that survives renames and moves.
    public var id: String
    /// The sign-in name (`sAMAccountName`, `uid`).
    public var login: String
    public var email: String
    public var name: String
    /// On group entries: the DNs of the members (users and groups).
    public var member: String
    public var userFilter: String
    public var groupFilter: String
    /// How a disabled account is told apart.
    public var disabled: DisabledRule

    public enum DisabledRule: Sendable, Equatable, Codable {
        /// Active Directory: bit 2 (ACCOUNTDISABLE) of `userAccountControl`.
        case userAccountControlBit
        /// Any other directory: the account is disabled when `attribute` holds `value` (case-insensitively).
        case attributeEquals(attribute: String, value: String)
        case never
    }

    public static func preset(_ preset: Preset) -> LDAPAttributeMapping {
        switch preset {
        case .activeDirectory:
            LDAPAttributeMapping(id: "objectGUID", login: "sAMAccountName", email: "mail", name: "displayName", member: "member",
                                 userFilter: "(&(objectCategory=person)(objectClass=user))", groupFilter: "(objectClass=group)",
                                 disabled: .userAccountControlBit)
        case .openLDAP:
            LDAPAttributeMapping(id: "entryUUID", login: "uid", email: "mail", name: "cn", member: "member",
                                 userFilter: "(objectClass=inetOrgPerson)", groupFilter: "(objectClass=groupOfNames)",
                                 disabled: .attributeEquals(attribute: "employeeType", value: "disabled"))
        }
    }

    /// The attributes a user search asks for.
    public var userAttributes: [String] {
        var names = [id, login, email, name, "userPrincipalName", "cn"]
        switch disabled {
        case .userAccountControlBit: names.append("userAccountControl")
        case .attributeEquals(let attribute, _): names.append(attribute)
        case .never: break
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0.lowercased()).inserted }
    }

    /// The attributes a group search asks for.
    public var groupAttributes: [String] { [id, "cn", name, member] }

    /// Whether an account is disabled, from the values of the attribute the rule reads.
    public func isDisabled(values: [String]) -> Bool {
        switch disabled {
        case .never: return false
        case .userAccountControlBit:
            guard let flags = values.first.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else { return false }
            return flags & 0x2 != 0
        case .attributeEquals(_, let value):
            return values.contains { $0.caseInsensitiveCompare(value) == .orderedSame }
        }
    }

    /// The attribute `isDisabled` reads, if any.
    public var disabledAttribute: String? {
        switch disabled {
        case .userAccountControlBit: "userAccountControl"
        case .attributeEquals(let attribute, _): attribute
        case .never: nil
        }
    }
}

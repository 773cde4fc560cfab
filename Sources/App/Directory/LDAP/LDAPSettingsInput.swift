import Foundation
import HeraldCore
import LDAP
import Vapor

/// The LDAP form and `PUT /api/v1/directory/ldap`, checked field by field: every problem names its field, and
/// nothing is saved while any remains. A blank password keeps the stored one.
struct LDAPSettingsInput: Content {
    var url: String
    var ca_certificate_pem: String?
    var bind_dn: String
    var password: String?
    var user_base_dn: String
    var group_base_dn: String
    var preset: String
    var id_attribute: String?
    var login_attribute: String?
    var email_attribute: String?
    var name_attribute: String?
    var member_attribute: String?
    var user_filter: String?
    var group_filter: String?
    var disabled_attribute: String?
    var disabled_value: String?
    var sync_interval_minutes: Int?

    static let intervals = 15...10_080

    /// The mapping the input describes: the preset's, with each attribute or filter typed replacing its own.
    var mapping: LDAPAttributeMapping? {
        guard let preset = LDAPAttributeMapping.Preset(rawValue: preset) else { return nil }
        var mapping = LDAPAttributeMapping.preset(preset)
        func take(_ value: String?, _ keyPath: WritableKeyPath<LDAPAttributeMapping, String>) {
            if let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty { mapping[keyPath: keyPath] = value }
        }
        take(id_attribute, \.id); take(login_attribute, \.login); take(email_attribute, \.email)
        take(name_attribute, \.name); take(member_attribute, \.member)
        take(user_filter, \.userFilter); take(group_filter, \.groupFilter)
        if preset == .openLDAP, let attribute = disabled_attribute?.trimmingCharacters(in: .whitespaces) {
            let value = disabled_value?.trimmingCharacters(in: .whitespaces) ?? ""
            mapping.disabled = attribute.isEmpty || value.isEmpty ? .never : .attributeEquals(attribute: attribute, value: value)
        }
        return mapping
    }

    /// `servers` is the operator's limit (HERALD_LDAP_ALLOWED_HOSTS).
    func problems(hasStoredPassword: Bool, servers: ServerPolicy) -> [String] {
        var problems: [String] = []
        func add(_ field: String, _ message: String) { problems.append("\(field): \(message)") }
        do {
            _ = try LDAPConfiguration(url: url.trimmingCharacters(in: .whitespaces))
            if let refusal = Self.refusal(url: url, by: servers) { add("url", refusal) }
        } catch {
            add("url", error.explanation)
        }
        if let pem = ca_certificate_pem?.trimmingCharacters(in: .whitespacesAndNewlines), !pem.isEmpty {
            if pem.utf8.count > 64 * 1024 || !pem.contains("-----BEGIN CERTIFICATE-----") {
                add("ca_certificate_pem", "must be PEM text (-----BEGIN CERTIFICATE-----), at most 64 KB")
            }
        }
        for (field, value) in [("bind_dn", bind_dn), ("user_base_dn", user_base_dn), ("group_base_dn", group_base_dn)] {
            if let problem = Self.dnProblem(value) { add(field, problem) }
        }
        if (password ?? "").isEmpty && !hasStoredPassword { add("password", "is required") }
        if (password ?? "").utf8.count > 1024 { add("password", "is longer than 1,024 bytes") }
        guard let mapping else {
            add("preset", "must be active_directory or openldap")
            return problems
        }
        let attributes = [("id_attribute", mapping.id), ("login_attribute", mapping.login), ("email_attribute", mapping.email),
                          ("name_attribute", mapping.name), ("member_attribute", mapping.member)] + (mapping.disabledAttribute.map { [("disabled_attribute", $0)] } ?? [])
        for (field, name) in attributes where !Self.isAttributeName(name) {
            add(field, "must be an attribute name (letters, digits and '-', starting with a letter)")
        }
        for (field, filter) in [("user_filter", mapping.userFilter), ("group_filter", mapping.groupFilter)] {
            do { _ = try LDAPFilter(parsing: filter) } catch { add(field, "is not an LDAP filter: \(error.description)") }
        }
        if let minutes = sync_interval_minutes, minutes != 0, !Self.intervals.contains(minutes) {
            add("sync_interval_minutes", "must be 0 (only when asked) or \(Self.intervals.lowerBound)-\(Self.intervals.upperBound) minutes")
        }
        return problems
    }

    /// Why the operator does not let Herald connect to the server of `url`, if it does not: Herald connects from
    /// inside the operator's network, so directory settings must not reach its other machines and ports.
    static func refusal(url: String, by servers: ServerPolicy) -> String? {
        guard let configuration = try? LDAPConfiguration(url: url.trimmingCharacters(in: .whitespaces)),
              !servers.allows(host: configuration.host, port: configuration.port) else { return nil }
        return "\(configuration.host):\(configuration.port) is not allowed on this Herald (its operator allows \(servers))"
    }

    static func dnProblem(_ dn: String) -> String? {
        let trimmed = dn.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "is required" }
        if trimmed.utf8.count > 1000 { return "is longer than 1,000 bytes" }
        if trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) { return "contains a control character" }
        if !trimmed.contains("=") { return "must be a DN such as ou=People,dc=example,dc=com" }
        return nil
    }

    static func isAttributeName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 64, first.isASCII, CharacterSet.letters.contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
    }
}

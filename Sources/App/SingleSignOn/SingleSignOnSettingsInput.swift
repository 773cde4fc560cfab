import Foundation
import HeraldCore
import Vapor

/// The single sign-on form and `PUT /api/v1/sso`, checked field by field: every problem names its field, and nothing
/// is saved while any remains. A blank client secret keeps the stored one.
struct SingleSignOnSettingsInput: Content {
    var enabled: Bool?
    var provider_name: String
    var issuer: String
    var client_id: String
    var client_secret: String?
    var allowed_domains: String?
    var just_in_time: Bool?
    var passwords_allowed: Bool?

    static let maximumURLLength = 2000

    /// `allowHTTP`: the operator's `HERALD_SSO_ALLOW_HTTP`.
    func problems(hasStoredSecret: Bool, allowHTTP: Bool) -> [String] {
        var problems: [String] = []
        func add(_ field: String, _ message: String) { problems.append("\(field): \(message)") }
        let name = provider_name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 60 { add("provider_name", "is required, at most 60 characters (it is shown as \"Sign in with <name>\")") }
        if let problem = SafeText.fieldProblem(name, field: "provider_name") { problems.append(problem) }
        let issuer = issuer.trimmingCharacters(in: .whitespaces)
        if let problem = Self.issuerProblem(issuer, allowHTTP: allowHTTP) { add("issuer", problem) }
        let clientID = client_id.trimmingCharacters(in: .whitespaces)
        if clientID.isEmpty || clientID.utf8.count > 255 || !clientID.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) {
            add("client_id", "is required: at most 255 printable ASCII characters, no spaces")
        }
        let secret = client_secret ?? ""
        if secret.isEmpty && !hasStoredSecret { add("client_secret", "is required") }
        if secret.utf8.count > 1024 || !secret.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
            add("client_secret", "must be at most 1,024 bytes without control characters")
        }
        do { _ = try EmailDomainList(parsing: allowed_domains ?? "") } catch { add("allowed_domains", error.description) }
        if just_in_time == true, (try? EmailDomainList(parsing: allowed_domains ?? ""))?.domains.isEmpty != false {
            add("allowed_domains", "list at least one domain for just-in-time membership")
        }
        return problems
    }

    /// An issuer identifier is an https URL without query or fragment (OpenID Connect Discovery 2).
    static func issuerProblem(_ text: String, allowHTTP: Bool) -> String? {
        guard !text.isEmpty else { return "is required (for example https://login.example.com/realms/staff)" }
        guard text.count <= maximumURLLength, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }),
              let components = URLComponents(string: text), let host = components.host, !host.isEmpty,
              ["https", "http"].contains(components.scheme ?? "")
        else { return "must be an absolute https URL (for example https://login.example.com/realms/staff)" }
        if components.scheme == "http" && !allowHTTP { return "must use https (plain http is refused on this server)" }
        guard components.query == nil, components.fragment == nil, components.user == nil else {
            return "must not have a query, fragment or user name"
        }
        return nil
    }
}

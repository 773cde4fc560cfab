import Fluent
import HeraldCore
import MIME
import SMTP
import Vapor

/// Mail settings as an administrator submits them (console form, API body or CLI flags), validated in one place.
package struct MailSettingsInput: Content {
    var transport: String
    /// `host:port` in one field, as in the vendor consoles, e.g. `mail.example.com:587`.
    var server: String?
    var sender_address: String
    var sender_name: String?
    var tls_mode: String?
    var minimum_tls_version: String?
    var verify_certificates: Bool?
    /// PEM certificates of a private CA to trust. Absent keeps the stored one; empty removes it.
    var ca_certificate: String?
    var requires_authentication: Bool?
    var username: String?
    /// Empty or absent keeps the stored password.
    var password: String?
    /// Formerly a path on Herald's server; refused, so that an old client learns of `ca_certificate`.
    var ca_file: String? = nil

    static let tlsModes = ["none", "starttls-if-available", "starttls", "tls"]
    static let tlsVersions = ["1.2", "1.3"]

    /// Every problem, each naming its field. `servers` is the operator's limit (HERALD_SMTP_ALLOWED_HOSTS).
    func problems(servers: ServerPolicy) -> [String] {
        var problems: [String] = []
        if !["file", "smtp"].contains(transport) { problems.append("transport: must be file or smtp") }
        if let caFile = ca_file, !caFile.isEmpty {
            problems.append("ca_file: is no longer accepted (a path on the server); send the certificate itself as ca_certificate (PEM)")
        }
        do { _ = try EmailAddress(sender_address) } catch { problems.append("sender_address: \(error)") }
        if let problem = SafeText.fieldProblem(sender_name, field: "sender_name") { problems.append(problem) }
        if transport == "smtp" {
            switch ServerAddress.parse(server ?? "") {
            case .failure(let reason): problems.append("server: \(reason)")
            case .success(let address):
                if let refusal = address.refusal(by: servers) { problems.append("server: \(refusal)") }
            }
            if !Self.tlsModes.contains(tls_mode ?? "starttls") {
                problems.append("tls_mode: must be one of \(Self.tlsModes.joined(separator: ", "))")
            }
            if !Self.tlsVersions.contains(minimum_tls_version ?? "1.2") { problems.append("minimum_tls_version: must be 1.2 or 1.3") }
            if let pem = ca_certificate, !pem.trimmingWhitespace().isEmpty {
                if pem.utf8.count > UpdateMailSettingsAddCACertificate.largestPEM {
                    problems.append("ca_certificate: must be at most \(UpdateMailSettingsAddCACertificate.largestPEM / 1024) KB")
                } else if let problem = SMTPTLS.problem(withCACertificatesPEM: pem) {
                    problems.append("ca_certificate: \(problem)")
                }
            }
            if requires_authentication == true, (username ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("username: is required when the server requires authentication")
            }
        }
        return problems
    }

    /// Applies the input to `settings`, encrypting a new password. Call only when `problems()` is empty.
    func apply(to settings: MailSettings, secretBox: SecretBox) throws {
        settings.transport = transport
        settings.senderAddress = sender_address.trimmingCharacters(in: .whitespaces)
        settings.senderName = sender_name?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        settings.tlsMode = tls_mode ?? "starttls"
        settings.minimumTLSVersion = minimum_tls_version ?? "1.2"
        settings.verifyCertificates = verify_certificates ?? true
        if let pem = ca_certificate { settings.caCertificate = pem.trimmingWhitespace().nilIfEmpty }
        settings.requiresAuthentication = requires_authentication ?? false
        if case .success(let address) = ServerAddress.parse(server ?? "") {
            settings.host = address.host
            settings.port = address.port
        } else {
            settings.host = nil
            settings.port = nil
        }
        if settings.requiresAuthentication {
            settings.username = username?.trimmingCharacters(in: .whitespaces)
            if let password, !password.isEmpty { settings.passwordCiphertext = try secretBox.seal(password) }
        } else {
            settings.username = nil
            settings.passwordCiphertext = nil
        }
    }
}

/// `host:port` with the port required, IPv6 in brackets (`[::1]:25`).
struct ServerAddress: Equatable {
    let host: String
    let port: Int

    /// `examplePort` is the port the refusals suggest: submission's for an SMTP server, POP3S's for a bounce mailbox.
    static func parse(_ raw: String, examplePort: Int = 587) -> Result<ServerAddress, ServerAddressError> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return .failure(.init("is required (host:port, e.g. mail.example.com:\(examplePort))")) }
        guard let colon = text.lastIndex(of: ":") else { return .failure(.init("'\(text)' has no port (use host:port, e.g. \(text):\(examplePort))")) }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else {
            return .failure(.init("'\(text)' has no valid port (1-65535)"))
        }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-:"))
        guard !host.isEmpty, host.unicodeScalars.allSatisfy(allowed.contains) else {
            return .failure(.init("'\(host)' is not a host name or IP address"))
        }
        return .success(ServerAddress(host: host, port: port))
    }

    /// Why the operator does not let organizations use this server, or nil.
    func refusal(by servers: ServerPolicy) -> String? {
        guard !servers.allows(host: host, port: port) else { return nil }
        return "\(host):\(port) is not allowed on this Herald (its operator allows \(servers))"
    }
}

struct ServerAddressError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

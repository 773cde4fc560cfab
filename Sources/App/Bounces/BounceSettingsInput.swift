import Foundation
import HeraldCore
import MIME
import POP3
import SMTP
import Vapor

/// The bounce settings as an administrator submits them (console form), validated in one place: every problem
/// names its field.
struct BounceSettingsInput: Content {
    /// Envelope senders become `bounces+<token>@<bounce_domain>`; empty keeps the sender address.
    var bounce_domain: String?
    /// The POP3 mailbox as `host:port` (`pop.example.com:995`); empty: no polling.
    var server: String?
    var tls_mode: String?
    var username: String?
    /// Empty keeps the stored password.
    var password: String?
    var ca_certificate: String?
    var poll_interval_seconds: String?

    static let tlsModes = [POP3TLSMode.implicitTLS.rawValue, POP3TLSMode.startTLS.rawValue]
    static let pollIntervals = 10...86_400

    /// Lowercased; an internationalized domain as its A-labels, so the envelope sender stays ASCII (no SMTPUTF8).
    var domain: String {
        let typed = (bounce_domain ?? "").trimmingWhitespace()
        return DomainName.ascii(typed) ?? typed.lowercased()
    }
    var serverText: String { (server ?? "").trimmingWhitespace() }

    /// Every problem, each naming its field. `servers` is the operator's limit (HERALD_POP3_ALLOWED_HOSTS).
    func problems(hasStoredPassword: Bool, servers: ServerPolicy) -> [String] {
        var problems: [String] = []
        if !domain.isEmpty {
            if let problem = Self.domainProblem(domain) { problems.append("bounce_domain: \(problem)") }
        }
        let interval = Int((poll_interval_seconds ?? "300").trimmingWhitespace())
        if interval.map(Self.pollIntervals.contains) != true {
            problems.append("poll_interval_seconds: must be a whole number from \(Self.pollIntervals.lowerBound) to \(Self.pollIntervals.upperBound)")
        }
        guard !serverText.isEmpty else { return problems }
        switch ServerAddress.parse(serverText, examplePort: 995) {
        case .failure(let reason): problems.append("server: \(reason)")
        case .success(let address): if let refusal = address.refusal(by: servers) { problems.append("server: \(refusal)") }
        }
        if !Self.tlsModes.contains(tls_mode ?? "tls") { problems.append("tls_mode: must be one of \(Self.tlsModes.joined(separator: ", "))") }
        let user = (username ?? "").trimmingWhitespace()
        if user.isEmpty { problems.append("username: is required for the bounce mailbox") }
        if let problem = SafeText.fieldProblem(user, field: "username") { problems.append(problem) }
        if let password, !password.isEmpty {
            if password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                problems.append("password: must not contain line breaks or control characters")
            } else if password.utf8.count > 1024 {
                problems.append("password: must be at most 1024 bytes")
            }
        } else if !hasStoredPassword {
            problems.append("password: is required for the bounce mailbox")
        }
        if let pem = ca_certificate, !pem.trimmingWhitespace().isEmpty {
            if pem.utf8.count > UpdateMailSettingsAddCACertificate.largestPEM {
                problems.append("ca_certificate: must be at most \(UpdateMailSettingsAddCACertificate.largestPEM / 1024) KB")
            } else if let problem = SMTPTLS.problem(withCACertificatesPEM: pem) {
                problems.append("ca_certificate: \(problem)")
            }
        }
        return problems
    }

    /// Why `domain` cannot be a bounce domain: DNS labels of letters, digits and hyphens, at least two of them,
    /// and the VERP address built on it must be a valid address.
    static func domainProblem(_ domain: String) -> String? {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard domain.utf8.count <= 253, labels.count >= 2, labels.allSatisfy({ label in
            (1...63).contains(label.utf8.count) && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
        }) else { return "'\(SafeText.scrubbed(domain))' is not a domain name (e.g. bounces.example.com)" }
        let sample = VERPAddress(serverSecret: "sample").address(for: UUID(), domain: domain)
        return (try? EmailAddress(sample)) == nil ? "'\(domain)' does not make a valid envelope sender" : nil
    }

    func apply(to settings: BounceSettings, secretBox: SecretBox) throws {
        settings.bounceDomain = domain.isEmpty ? nil : domain
        settings.pollIntervalSeconds = Int((poll_interval_seconds ?? "300").trimmingWhitespace()) ?? 300
        settings.tlsMode = tls_mode ?? POP3TLSMode.implicitTLS.rawValue
        if let pem = ca_certificate { settings.caCertificate = pem.trimmingWhitespace().nilIfEmpty }
        if case .success(let address) = ServerAddress.parse(serverText, examplePort: 995) {
            settings.host = address.host
            settings.port = address.port
            settings.username = (username ?? "").trimmingWhitespace()
            if let password, !password.isEmpty { settings.passwordCiphertext = try secretBox.seal(password) }
            settings.nextPollAt = nil
        } else {
            settings.host = nil
            settings.port = nil
            settings.username = nil
            settings.passwordCiphertext = nil
        }
    }
}

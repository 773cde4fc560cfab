import Foundation
import JWTKit
import NIOCore
import Vapor

/// The reference client a product vendor would embed:
///
///     herald activate --server URL --code CODE [--output FILE]
///     herald activate --verify FILE --public-key URL-or-FILE [--revocation-list URL-or-FILE]
///     herald activate --heartbeat [--certificate FILE] [--server URL]
///     herald activate --deactivate [--certificate FILE] [--server URL]
///     herald activate --offline-request FILE --code CODE
///     herald activate --offline-response FILE --public-key FILE [--offline-request FILE] [--output FILE]
///
/// The first describes this machine, activates it and saves the certificate (and, beside it in FILE.key, the
/// installation key that `--heartbeat` and `--deactivate` prove the installation with); the second checks a certificate
/// against the organization's published JWK Set and its signed revocation list, exactly as an installed product
/// would at start-up. Exit status of --verify: 0 valid and not revoked, 1 invalid or revoked, 2 signature valid
/// but the revocation list could not be fetched or trusted (the certificate may have been deactivated). When it
/// cannot be fetched, the last good list kept beside the certificate answers instead, and its age is said
/// (`RevocationListCache`). The offline pair is in `ActivateCommand+Offline.swift`.
struct ActivateCommand: AsyncCommand {
    /// Its name on the command line; `Invocation` runs it without configuring the server.
    static let name = "activate"

    struct Signature: CommandSignature {
        @Option(name: "server", help: "The Herald server, e.g. https://herald.example.com") var server: String?
        @Option(name: "code", help: "The temporary activation code from the invitation") var code: String?
        @Option(name: "output", help: "Where to save the certificate (default activation-certificate.jwt)") var output: String?
        @Option(name: "computer-name", help: "Override the computer name (default: this host's name)") var computerName: String?
        @Option(name: "fingerprint", help: "Override the machine fingerprint (default: derived from machine-id and MAC)") var fingerprint: String?
        @Option(name: "verify", help: "A saved certificate to check offline") var verify: String?
        @Option(name: "public-key", help: "The organization's JWK Set: its URL, or a saved copy") var publicKey: String?
        @Option(name: "revocation-list", help: "With --verify: a saved copy of the revocation list (default: fetched from the URL the certificate names)")
        var revocationList: String?
        @Flag(name: "heartbeat", help: "Check in, keeping a leased seat (or taking a lapsed one back)") var heartbeat: Bool
        @Flag(name: "deactivate", help: "Free this computer's seat") var deactivate: Bool
        @Option(name: "certificate", help: "With --heartbeat/--deactivate: the saved certificate (default activation-certificate.jwt)")
        var certificate: String?
        @Option(name: "offline-request", help: "Without internet: write an activation request FILE to carry to a computer with it (with --code); with --offline-response, the request it answers (default activation-request.json)")
        var offlineRequest: String?
        @Option(name: "offline-response", help: "Import the response FILE made for an offline request (needs --public-key, a saved copy)")
        var offlineResponse: String?
    }

    let help = "Activate this computer with an activation code, or verify a saved activation certificate"

    func run(using context: CommandContext, signature: Signature) async throws {
        if let file = signature.verify {
            try await verify(file: file, signature: signature, context: context)
        } else if let file = signature.offlineResponse {
            try await importOfflineResponse(file: file, signature: signature, context: context)
        } else if let file = signature.offlineRequest {
            try writeOfflineRequest(file: file, signature: signature, context: context)
        } else if signature.heartbeat || signature.deactivate {
            try await checkIn(deactivate: signature.deactivate, signature: signature, context: context)
        } else {
            try await activate(signature, context: context)
        }
    }

    private func activate(_ signature: Signature, context: CommandContext) async throws {
        guard let server = signature.server.flatMap(URL.init(string:)), server.host != nil else {
            throw CommandError.usage("--server URL is required, e.g. --server https://herald.example.com")
        }
        let code = try Self.code(signature)
        let machine = Self.machine(signature)
        let body = ActivationAPIController.ActivationBody(
            code: code, fingerprint: machine.fingerprint, computerName: machine.computerName,
            operatingSystem: machine.operatingSystem, serialNumber: machine.serialNumber, macAddress: machine.macAddress
        )
        let url = URI(string: ActivationURLs.join(server, "api/v1/activations"))
        let response = try await Self.reach(server.absoluteString, option: "--server") {
            try await context.application.client.post(url) {
                try $0.content.encode(body, as: .json)
                // The server words its refusals in this person's language.
                if let language = Self.localeLanguage(ProcessInfo.processInfo.environment) {
                    $0.headers.replaceOrAdd(name: .acceptLanguage, value: language)
                }
            }
        }
        guard response.status == .created || response.status == .ok else {
            let reason = (try? response.content.decode(HeraldErrorMiddleware.APIErrorBody.self).reason) ?? response.status.reasonPhrase
            throw CommandError.usage("activation refused (\(response.status.code)): \(reason)")
        }
        let activation = try response.content.decode(ActivationAPIController.ActivationResponse.self)
        let output = signature.output ?? "activation-certificate.jwt"
        do {
            try Data((activation.certificate + "\n").utf8).write(to: URL(fileURLWithPath: output))
        } catch {
            throw CommandError.usage("--output: cannot write '\(output)': \(error.localizedDescription)")
        }
        context.console.print("Activated \(machine.computerName) for \(activation.product) (\(activation.licenseKeyName)).")
        try InstallationFiles.saveKey(activation.installationKey, certificate: output)
        context.console.print("Certificate \(activation.certificateSerial) saved to \(output) (installation key in \(InstallationFiles.keyFile(forCertificate: output))).")
        context.console.print("Verify it offline with: herald activate --verify \(output) --public-key \(activation.publicKeyURL)")
    }

    static func code(_ signature: Signature) throws -> String {
        guard let code = signature.code, !code.isEmpty else { throw CommandError.usage("--code CODE is required") }
        return code
    }

    /// This computer, as `--computer-name` and `--fingerprint` may override it.
    static func machine(_ signature: Signature) -> MachineDescription {
        var machine = ThisMachine.describe()
        if let name = signature.computerName { machine.computerName = name }
        if let fingerprint = signature.fingerprint { machine.fingerprint = fingerprint }
        return machine
    }

    /// `--heartbeat` or `--deactivate`, authenticated with the installation key saved at activation.
    private func checkIn(deactivate: Bool, signature: Signature, context: CommandContext) async throws {
        if signature.heartbeat && deactivate { throw CommandError.usage("--heartbeat and --deactivate: choose one") }
        let saved = try InstallationFiles.load(certificate: signature.certificate ?? "activation-certificate.jwt")
        var server = saved.issuer
        if let option = signature.server {
            guard let url = URL(string: option), url.host != nil else { throw CommandError.usage("--server: '\(option)' is not a URL") }
            server = url
        }
        let url = deactivate ? ActivationURLs.deactivation(installationID: saved.installationID, base: server)
            : ActivationURLs.heartbeat(installationID: saved.installationID, base: server)
        let response = try await Self.reach(server.absoluteString, option: "--server") {
            try await context.application.client.post(URI(string: url)) {
                $0.headers.bearerAuthorization = BearerAuthorization(token: saved.key)
                if let language = Self.localeLanguage(ProcessInfo.processInfo.environment) {
                    $0.headers.replaceOrAdd(name: .acceptLanguage, value: language)
                }
            }
        }
        guard response.status == .ok || response.status == .noContent else {
            let reason = (try? response.content.decode(HeraldErrorMiddleware.APIErrorBody.self).reason) ?? response.status.reasonPhrase
            throw CommandError.usage("\(deactivate ? "deactivation" : "check-in") refused (\(response.status.code)): \(reason)")
        }
        if deactivate {
            context.console.print("Deactivated: this computer's seat is free.")
            return
        }
        let lease = try response.content.decode(InstallationCheckInController.HeartbeatResponse.self)
        let until = lease.leaseExpiresAt.map { "; the seat is held until \(DisplayDate.format($0)) without another check-in" } ?? ""
        context.console.print("Checked in\(lease.resumed ? " and took a seat back" : "")\(until).")
    }

    private func verify(file: String, signature: Signature, context: CommandContext) async throws {
        guard let publicKey = signature.publicKey, !publicKey.isEmpty else {
            throw CommandError.usage("--public-key URL-or-FILE is required with --verify")
        }
        guard let token = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw CommandError.usage("--verify: cannot read '\(file)'")
        }
        let keys = try await Self.keys(publicKey, context: context)
        let certificate: ActivationCertificate
        do { certificate = try await keys.verify(token, as: ActivationCertificate.self) } catch {
            throw CommandError.usage("INVALID: \(file) is not a valid activation certificate for these keys (\(error))")
        }
        let source = signature.revocationList ?? certificate.revocationListURL
        let cache = RevocationListCache(certificate: file)
        var fetched: String?
        var revocation = await RevocationCheck.check(certificate, keys: keys) {
            let text = try await Self.load(source, option: "--revocation-list", context: context)
            fetched = text
            return text
        }
        var listSource = source
        if let fetched {
            await cache.keep(fetched, answered: revocation, certificate: certificate, keys: keys)
        } else if case .unchecked(let reason) = revocation, let answer = await cache.answer(certificate, keys: keys, unfetched: reason) {
            (revocation, listSource) = answer
        }
        switch revocation {
        case .revoked(let date, _):
            throw CommandError.usage("REVOKED: certificate \(certificate.jti.value) of \(certificate.machine.computerName) was revoked\(date.map { " on \(DisplayDate.format($0))" } ?? "") (\(listSource))")
        case .unchecked(let reason):
            Self.describe(certificate, context: context, status: "signature valid, revocation NOT checked")
            throw CommandError.inconclusive("could not check whether the certificate was revoked: \(reason); it may have been deactivated")
        case .notRevoked(let listDate):
            Self.describe(certificate, context: context, status: "VALID")
            context.console.print("  not revoked: checked against the revocation list of \(DisplayDate.format(listDate)) (\(listSource))")
        }
    }

    /// The organization's JWK Set, from its URL or a saved copy.
    static func keys(_ source: String, context: CommandContext) async throws -> JWTKeyCollection {
        do {
            return try await JWTKeyCollection().add(jwksJSON: try await load(source, option: "--public-key", context: context))
        } catch let error as CommandError { throw error } catch {
            throw CommandError.usage("--public-key: not a JWK Set: \(error)")
        }
    }

    static func describe(_ certificate: ActivationCertificate, context: CommandContext, status: String) {
        context.console.print("\(status): \(certificate.product) (\(certificate.licenseKeyName)) on \(certificate.machine.computerName)")
        context.console.print("  certificate \(certificate.jti.value), issued \(DisplayDate.format(certificate.iat.value)) by \(certificate.iss.value)")
        context.console.print("  fingerprint \(certificate.machine.fingerprint)")
        context.console.print("  expires \(certificate.exp.map { DisplayDate.format($0.value) } ?? "never")")
    }

    /// The text at an http(s) URL or in a saved file.
    static func load(_ source: String, option: String, context: CommandContext) async throws -> String {
        if source.hasPrefix("https://") || source.hasPrefix("http://") {
            let response = try await reach(source, option: option) { try await context.application.client.get(URI(string: source)) }
            guard response.status == .ok, let body = response.body else {
                throw CommandError.usage("\(option): \(source) answered \(response.status.code)")
            }
            return String(buffer: body)
        }
        guard let text = try? String(contentsOfFile: source, encoding: .utf8) else {
            throw CommandError.usage("\(option): cannot read '\(source)'")
        }
        return text
    }

    /// A request to a server, its failure to connect said in words and naming the option that gave the address
    /// (the HTTP client's own text reads "connection reset (error set): Connection refused) (errno: 111)").
    static func reach(_ address: String, option: String, _ request: () async throws -> ClientResponse) async throws -> ClientResponse {
        do {
            return try await request()
        } catch let error as IOError {
            throw CommandError.usage("\(option): could not reach \(address): \(String(cString: strerror(error.errnoCode)))")
        } catch {
            throw CommandError.usage("\(option): could not reach \(address): \(error)")
        }
    }

    /// The language of this session's locale (LC_ALL, LC_MESSAGES, LANG: `de_DE.UTF-8` → `de-DE`), as POSIX
    /// programs choose their messages' language; nil for the C/POSIX locale.
    static func localeLanguage(_ environment: [String: String]) -> String? {
        let value = ["LC_ALL", "LC_MESSAGES", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        guard let value, let tag = value.split(separator: ".").first, tag != "C", tag != "POSIX" else { return nil }
        return tag.replacingOccurrences(of: "_", with: "-")
    }
}

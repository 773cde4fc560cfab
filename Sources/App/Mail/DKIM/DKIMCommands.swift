import DKIM
import Fluent
import Foundation
import Vapor

/// `herald dkim list|generate|rotate|check`: the console's DKIM page for operators without it, on the same
/// services (`DKIMKeys`, `DKIMDNSCheck`).
struct DKIMCommands: AsyncCommandGroup {
    let help = "Manage an organization's DKIM signing keys"
    let commands: [String: any AnyAsyncCommand] = [
        "list": DKIMListCommand(),
        "generate": DKIMGenerateCommand(),
        "rotate": DKIMRotateCommand(),
        "check": DKIMCheckCommand(),
    ]
}

struct DKIMSignature: OrganizationSignature {
    @Option(name: "organization", help: "The organization's name") var organization: String?
    @Option(name: "domain", help: "The sending domain, e.g. example.com") var domain: String?
    @Option(name: "algorithm", help: "generate: rsa (rsa-sha256, 2048 bits; default) or ed25519 (ed25519-sha256)") var algorithm: String?
    @Option(name: "selector", help: "generate: the selector (default herald1 or herald2, whichever is free)") var selector: String?
    @Flag(name: "skip-dns-check", help: "rotate: activate even though DNS does not publish the new key's record yet") var skipDNSCheck: Bool
    init() {}

    var requiredDomain: String {
        get throws {
            guard let domain, !domain.isEmpty else { throw CommandError.usage("--domain: a sending domain is required (e.g. example.com)") }
            return domain.trimmingCharacters(in: .whitespaces).lowercased()
        }
    }

    /// `rsa` and `ed25519` as the short names of the algorithms; their full names are accepted too.
    var algorithmName: String? {
        switch algorithm?.lowercased() {
        case "rsa": DKIMAlgorithm.rsaSHA256.rawValue
        case "ed25519": DKIMAlgorithm.ed25519SHA256.rawValue
        default: algorithm
        }
    }
}

/// The organization's keys, only those of `--domain` when it is given.
private func domainKeys(_ organization: Organization, _ signature: DKIMSignature, on db: any Database) async throws -> [DKIMKey] {
    let keys = try await DKIMKeys.list(organizationID: try organization.requireID(), on: db)
    guard signature.domain != nil else { return keys }
    let domain = try signature.requiredDomain
    return keys.filter { $0.domain == domain }
}

/// A key's row: what the console's table shows.
private func line(_ key: DKIMKey) -> String {
    [key.domain, key.selector, key.algorithm.rawValue, key.status.rawValue, key.dnsName, key.dnsRecord].joined(separator: "\t")
}

struct DKIMListCommand: OrganizationCommand {
    typealias Signature = DKIMSignature
    let help = "List the keys: domain, selector, algorithm, status, DNS name and the TXT record to publish there"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        for key in try await domainKeys(organization, signature, on: context.application.db) { context.console.print(line(key)) }
    }
}

struct DKIMGenerateCommand: OrganizationCommand {
    typealias Signature = DKIMSignature
    let help = "Generate a pending key for a domain and print the TXT record to publish before `herald dkim rotate`"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let input = DKIMKeys.GenerateInput(domain: try signature.requiredDomain, algorithm: signature.algorithmName, selector: signature.selector)
        let key = try await asCommandError {
            try await DKIMKeys.generate(input, organizationID: try organization.requireID(), actor: .commandLine,
                                        secretBox: app.herald.secretBox, on: app.db)
        }
        context.console.print(line(key))
        context.console.print("Publish this record, then run `herald dkim rotate --domain \(key.domain)`:")
        context.console.print(DKIMController.zoneLine(key))
    }
}

/// Activates the domain's pending key once DNS publishes its record; the active key is retired in the same
/// transaction (`DKIMKeys.activate`), so the domain is never without a signing key.
struct DKIMRotateCommand: OrganizationCommand {
    typealias Signature = DKIMSignature
    let help = "Activate the domain's pending key (once DNS publishes it), retiring the active one"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let organizationID = try organization.requireID()
        let domain = try signature.requiredDomain
        let keys = try await domainKeys(organization, signature, on: app.db)
        guard let pending = keys.first(where: { $0.status == .pending }) else {
            throw CommandError.usage("--domain: \(domain) has no pending key; generate one first (herald dkim generate --domain \(domain))")
        }
        if !signature.skipDNSCheck {
            let check = try await DKIMDNSCheck.check(pending, server: app.herald.configuration.dnsServer)
            switch check.outcome {
            case .matches: break
            case .unreachable: throw CommandError.inconclusive("\(check.message) Nothing was changed.")
            case .missing, .differs, .notDKIM:
                throw CommandError.invalid(["\(check.message) Nothing was changed (--skip-dns-check activates it anyway)."])
            }
        }
        let retiring = keys.filter { $0.status == .active }.map(\.dnsName)
        let key = try await asCommandError {
            try await DKIMKeys.activate(try pending.requireID(), organizationID: organizationID, actor: .commandLine, on: app.db)
        }
        context.console.print("\(key.dnsName) now signs every message from \(key.domain).")
        for name in retiring {
            context.console.print("\(name) retired: keep its record published for a week, for the mail it signed that is still on its way.")
        }
    }
}

/// Exit status 0 when every key checked is published as Herald would publish it, 1 when one is not, 2 when DNS
/// could not tell.
struct DKIMCheckCommand: OrganizationCommand {
    typealias Signature = DKIMSignature
    let help = "Check in DNS the record of each pending and active key (of --domain, or of every domain)"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let keys = try await domainKeys(organization, signature, on: app.db).filter { $0.status != .retired }
        guard !keys.isEmpty else { throw CommandError.usage("--domain: no pending or active key to check") }
        var outcomes: [DKIMDNSCheck.Outcome] = []
        for key in keys {
            let check = try await DKIMDNSCheck.check(key, server: app.herald.configuration.dnsServer)
            outcomes.append(check.outcome)
            context.console.print([check.name, key.status.rawValue, check.outcome.rawValue, check.message].joined(separator: "\t"))
        }
        if outcomes.contains(.unreachable) { throw CommandError.inconclusive("DNS could not tell for every key (see above)") }
        if outcomes.contains(where: { $0 != .matches }) { throw CommandError.invalid(["not every key is published as shown (see above)"]) }
    }
}

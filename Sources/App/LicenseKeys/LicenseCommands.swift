import Fluent
import HeraldCore
import Vapor

struct LicenseCommands: AsyncCommandGroup {
    let help = "Manage license keys"
    let commands: [String: any AnyAsyncCommand] = [
        "create": LicenseCreateCommand(),
        "list": LicenseListCommand(),
        "policy": LicensePolicyCommand(),
    ]
}

/// `herald license create --organization NAME --name KEY-NAME --product P --seats N [--expires YYYY-MM-DD] [--key-stdin]
/// [--seat-mode node-locked|leased] [--lease-days N] [--deactivations-per-month N] [--overage PERCENT]`
struct LicenseCreateCommand: OrganizationCommand {
    struct Signature: OrganizationSignature, SeatPolicyOptions {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "name", help: "A name for the key, unique in the organization") var name: String?
        @Option(name: "product", help: "The product the key licenses") var product: String?
        @Option(name: "seats", help: "How many computers may activate it") var seats: String?
        @Option(name: "expires", help: "Last day the key works, YYYY-MM-DD (optional)") var expires: String?
        @Option(name: "download", help: "Installer URLs for the download page, e.g. macOS=https://...,Windows=https://...") var download: String?
        @Flag(name: "key-stdin", help: "Read the real license key from standard input (otherwise one is generated)") var keyStdin: Bool
        @Option(name: "seat-mode", help: SeatPolicyHelp.seatMode) var seatMode: String?
        @Option(name: "lease-days", help: SeatPolicyHelp.leaseDays) var leaseDays: String?
        @Option(name: "deactivations-per-month", help: SeatPolicyHelp.deactivationsPerMonth) var deactivationsPerMonth: String?
        @Option(name: "overage", help: SeatPolicyHelp.overage) var overage: String?
    }

    /// The validator's fields whose option is named otherwise.
    static let optionsOfFields = ["key": "key-stdin", "downloads": "download"].merging(LicensePolicyCommand.optionsOfFields) { $1 }

    let help = "Add a license key (the real key is stored encrypted and never printed)"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let organizationID = try organization.requireID()
        var downloads: [String: String] = [:]
        for pair in (signature.download ?? "").split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw CommandError.usage("--download: '\(pair)' is not PLATFORM=URL") }
            downloads[parts[0]] = parts[1]
        }
        let seats: Int? = signature.seats.map { Int($0) ?? -1 }
        let secret = signature.keyStdin ? try readSecretFromStandardInput() : nil
        var input = LicenseKeyInput(name: signature.name ?? "", product: signature.product ?? "", seats: seats,
                                    expires: signature.expires, secret: secret, downloads: downloads)
        input.seatPolicy = signature.seatPolicy
        switch input.validate() {
        case .failure(let problems): throw CommandError.fields(problems.problems, options: Self.optionsOfFields)
        case .success(let validated):
            do {
                let key = try await LicenseKeyStore.create(validated, organizationID: organizationID, actor: .commandLine,
                                                           secretBox: app.herald.secretBox, on: app.db)
                context.console.print("Created license key '\(key.name)' for \(key.product) with \(key.seats) seat(s): \(validated.seatPolicy.summary).")
            } catch let problems as ValidationProblems {
                throw CommandError.fields(problems.problems, options: Self.optionsOfFields)
            }
        }
    }
}

/// `herald license list --organization NAME`: name, product, seats used/total, expiry. Never the real key.
struct LicenseListCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
    }

    let help = "List the organization's license keys with their seat use"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let organizationID = try organization.requireID()
        let keys = try await LicenseKey.query(on: app.db).filter(\.$organization.$id == organizationID).sort(\.$name).all()
        let used = try await LicenseKeyStore.usedSeats(keyIDs: keys.map { try $0.requireID() }, on: app.db)
        context.console.print("name\tproduct\tseats used/total\texpires\tseat policy")
        for key in keys {
            let policy = (key.leaseWindow.map { "leased (\($0) days)" } ?? key.seatMode.rawValue)
                + (key.overagePercent > 0 ? ", \(key.overagePercent) % overage" : "")
            context.console.print("\(key.name)\t\(key.product)\t\(used[try key.requireID()] ?? 0)/\(key.seats)\t\(DisplayDate.expiry(key.expiresAt))\t\(policy)")
        }
    }
}

/// `herald license policy --organization NAME --name KEY-NAME [--seat-mode node-locked|leased] [--lease-days N]
/// [--deactivations-per-month N] [--overage PERCENT]`: options left out keep the key's values.
struct LicensePolicyCommand: OrganizationCommand {
    struct Signature: OrganizationSignature, SeatPolicyOptions {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "name", help: "The license key's name") var name: String?
        @Option(name: "seat-mode", help: SeatPolicyHelp.seatMode) var seatMode: String?
        @Option(name: "lease-days", help: SeatPolicyHelp.leaseDays) var leaseDays: String?
        @Option(name: "deactivations-per-month", help: SeatPolicyHelp.deactivationsPerMonth) var deactivationsPerMonth: String?
        @Option(name: "overage", help: SeatPolicyHelp.overage) var overage: String?
    }

    static let optionsOfFields = ["seatMode": "seat-mode", "leaseWindowDays": "lease-days", "deactivationsPerMonth": "deactivations-per-month",
                                  "overagePercent": "overage"]

    let help = "Set a license key's seat policy: node-locked or leased, heartbeat window, deactivations from the computer, overage"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let name = signature.name, !name.isEmpty else { throw CommandError.usage("--name KEY-NAME is required") }
        guard let key = try await LicenseKey.query(on: app.db).filter(\.$organization.$id == organization.requireID())
            .filter(\.$name == name).first()
        else { throw CommandError.usage("--name: no license key '\(name)' in \(organization.name)") }
        // Not a whole number: out of range, which the validator words like the API.
        switch signature.seatPolicy.validate(current: key) {
        case .failure(let problems): throw CommandError.fields(problems.problems, options: Self.optionsOfFields)
        case .success(let policy):
            _ = try await SeatPolicyInput.apply(policy, to: try key.requireID(), actor: .commandLine, seatLock: app.herald.seatLock,
                                                now: app.herald.clock.now, on: app.db)
            context.console.print("Seat policy of '\(key.name)': \(policy.summary).")
        }
    }
}

/// The seat-policy options `license create` and `license policy` share. ConsoleKit reads options only from a
/// signature's own stored properties, so each signature declares them; the words and the reading live here once.
protocol SeatPolicyOptions {
    var seatMode: String? { get }
    var leaseDays: String? { get }
    var deactivationsPerMonth: String? { get }
    var overage: String? { get }
}

extension SeatPolicyOptions {
    var seatPolicy: SeatPolicyInput {
        SeatPolicyInput(text: seatMode, leaseWindowDays: leaseDays, deactivationsPerMonth: deactivationsPerMonth, overagePercent: overage)
    }
}

enum SeatPolicyHelp {
    static let seatMode = "node-locked (a seat stays with its computer) or leased (freed when it stops checking in)"
    static let leaseDays = "Leased seats: days without a check-in before the seat is freed (1-365)"
    static let deactivationsPerMonth = "How often a computer may deactivate itself in 30 days (0-100; 0: administrators only)"
    static let overage = "Percent over the seats that may still activate, flagged as excess (0-100; 0: none)"
}

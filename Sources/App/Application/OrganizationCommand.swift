import Fluent
import Vapor

/// The signature of a command that acts on one existing organization: `--organization NAME`.
protocol OrganizationSignature: CommandSignature {
    var organization: String? { get }
}

/// A command that acts on one existing organization: it is looked up before anything else, so every such command
/// refuses a missing or unknown `--organization` first and in the same words.
protocol OrganizationCommand: AsyncCommand where Signature: OrganizationSignature {
    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws
}

extension OrganizationCommand {
    func run(using context: CommandContext, signature: Signature) async throws {
        let organization = try await Self.organization(named: signature.organization, on: context.application.db)
        try await run(for: organization, using: context, signature: signature)
    }

    /// Resolves `--organization NAME` or fails with a message naming the flag.
    private static func organization(named name: String?, on db: any Database) async throws -> Organization {
        guard let name, !name.isEmpty else { throw CommandError.usage("--organization NAME is required") }
        guard let organization = try await Organization.query(on: db).filter(\.$name == name).first() else {
            throw CommandError.usage("--organization: no organization named '\(name)'")
        }
        return organization
    }
}

import Fluent
import Vapor

struct AdminCommands: AsyncCommandGroup {
    let help = "Manage administrators"
    let commands: [String: any AnyAsyncCommand] = ["create": AdminCreateCommand(), "reset-two-factor": ResetTwoFactorCommand()]
}

/// `herald admin create --email E --password-stdin --organization NAME [--name N]` for scripted installs.
struct AdminCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The administrator's email address") var email: String?
        @Option(name: "name", help: "The administrator's name (defaults to the part of the email before @)") var name: String?
        @Option(name: "organization", help: "The organization to create") var organization: String?
        @Flag(name: "password-stdin", help: "Read the password from standard input") var passwordStdin: Bool
    }

    let help = "Create an organization and its first account administrator"

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let email = signature.email else { throw CommandError.usage("--email is required") }
        guard signature.passwordStdin else {
            throw CommandError.usage("--password-stdin is required: pipe the password in, e.g. printf '%s' \"$PW\" | herald admin create ...")
        }
        let password = try readSecretFromStandardInput()
        let request = AdministratorRequest(
            name: signature.name ?? String(email.split(separator: "@").first ?? ""),
            email: email, organization: signature.organization ?? "", password: password
        )
        let problems = request.problems(catalog: app.herald.catalog)
        guard problems.isEmpty else { throw CommandError.fields(problems, options: ["password": "password-stdin"]) }
        let hash = try await app.password.async.hash(password)
        let created = try await app.db.transaction { db in
            try await AdministratorRequest.create(request, passwordHash: hash, actor: .commandLine, on: db)
        }
        context.console.print("Created organization '\(created.organization.name)' with administrator \(created.account.email).")
    }
}

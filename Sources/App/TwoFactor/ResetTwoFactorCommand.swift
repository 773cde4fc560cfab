import Fluent
import Vapor

/// `herald admin reset-two-factor --email E`: for a person who lost their phone and their recovery codes. Only the
/// operator (who runs commands on the server) can do it; the person then signs in with the password alone and may
/// enrol a new phone. Audited in each of their organizations, so the administrators see it happened.
struct ResetTwoFactorCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The account's email address") var email: String?
    }

    let help = "Turn off two-factor sign-in for an account (lost phone); it can enrol again after signing in"

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let email = signature.email, !email.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CommandError.usage("--email is required")
        }
        guard let account = try await Account.find(email: email, on: app.db) else {
            throw CommandError.invalid(["--email: no account has the address '\(email)'"])
        }
        if try await TwoFactor.remove(account: account, action: .twoFactorReset, actor: .commandLine, on: app.db) {
            context.console.print("Two-factor sign-in for \(account.email) is reset: they sign in with their password and can set up a new authenticator.")
        } else {
            context.console.print("\(account.email) has no two-factor sign-in; nothing changed.")
        }
    }
}

import Fluent
import Vapor

/// `herald admin ...`, `herald token ...` beside Vapor's `serve` and `routes`; `migrate` replaces Fluent's.
func registerCommands(_ app: Application) {
    app.asyncCommands.use(AdminCommands(), as: "admin")
    app.asyncCommands.use(TokenCommands(), as: "token")
    app.asyncCommands.use(DeliverCommand(), as: "deliver")
    app.asyncCommands.use(MailCommands(), as: "mail")
    app.asyncCommands.use(LicenseCommands(), as: "license")
    app.asyncCommands.use(InviteCommands(), as: "invite")
    app.asyncCommands.use(DirectoryCommands(), as: "directory")
    app.asyncCommands.use(WebhookCommands(), as: "webhooks")
    app.asyncCommands.use(SingleSignOnCommands(), as: "sso")
    app.asyncCommands.use(SuppressionCommands(), as: "suppression")
    app.asyncCommands.use(BounceCommands(), as: "bounces")
    app.asyncCommands.use(DKIMCommands(), as: "dkim")
    app.asyncCommands.use(ActivateCommand(), as: ActivateCommand.name)
    app.asyncCommands.use(MigrateCommand(), as: "migrate")
}

/// A command-line mistake: printed as is, exit status non-zero, nothing changed.
enum CommandError: Error, CustomStringConvertible {
    case usage(String)
    case invalid([String])
    /// The command could not tell: exit status 2, so a script can tell "no" (1) from "don't know".
    case inconclusive(String)

    var description: String {
        switch self {
        case .usage(let message), .inconclusive(let message): message
        case .invalid(let problems): problems.joined(separator: "\n")
        }
    }

    var exitStatus: Int32 {
        if case .inconclusive = self { 2 } else { 1 }
    }

    /// Problems a shared validator words as `field: message`, each named by the option that sets the field:
    /// `options` maps the fields whose option is named otherwise (`password` is read by `--password-stdin`),
    /// the rest become `--field` with `-` for `_`.
    static func fields(_ problems: [String], options: [String: String] = [:]) -> CommandError {
        .invalid(problems.map { problem in
            guard let colon = problem.firstIndex(of: ":") else { return problem }
            let field = String(problem[..<colon])
            guard field.allSatisfy({ $0.isLetter || $0 == "_" || $0 == "-" }) else { return problem }
            let option = options[field] ?? field.replacingOccurrences(of: "_", with: "-")
            return "--\(option)" + problem[colon...]
        })
    }
}

/// Refusals of the shared code (`address: ...`, a 4xx `Abort`) as command-line mistakes naming the option
/// (`CommandError.fields`); other errors pass unchanged.
func asCommandError<T>(options: [String: String] = [:], _ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let abort as AbortError where abort.status.code < 500 {
        throw CommandError.fields(abort.reason.components(separatedBy: "; "), options: options)
    }
}

/// Reads a secret from standard input (one line, trailing newline removed) so it never appears in `ps` or shell history.
func readSecretFromStandardInput() throws -> String {
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw CommandError.usage("--password-stdin: expected the password on standard input, got nothing")
    }
    return line
}

/// The PEM text of `--ca-file`, or nil without the option. The operator runs the command on the server, so reading
/// a file here is theirs to do; what is stored is the certificate itself, as the console and the API send it.
func readCAFile(_ path: String?) throws -> String? {
    guard let path else { return nil }
    guard let data = FileManager.default.contents(atPath: path) else { throw CommandError.usage("--ca-file: cannot read \(path)") }
    return String(decoding: data, as: UTF8.self)
}

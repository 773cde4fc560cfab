import Fluent
import HeraldCore
import Vapor

/// `herald invite join --organization NAME (--email E ... | --csv FILE) [--language de] [--role admin] [--expires-days 7]`
struct InviteJoinCommand: OrganizationCommand {
    struct Signature: OrganizationSignature {
        @Option(name: "organization", help: "The organization's name") var organization: String?
        @Option(name: "email", help: "addresses, separated by commas or spaces") var emails: String?
        @Option(name: "csv", help: "a CSV file with one column of email addresses") var csv: String?
        @Option(name: "language", help: "en, de, fr, es, it, ja or zh-Hans (default en)") var language: String?
        @Option(name: "role", help: "member (default) or admin") var role: String?
        @Option(name: "message", help: "a personal message for the email") var message: String?
        @Option(name: "expires-days", help: "days the link stays valid, 1-30 (default 7)") var expiresDays: Int?
    }

    let help = "Invite people to join an organization, printing one result per line of input"

    func run(for organization: Organization, using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let parser = RecipientListParser()
        let recipients: RecipientList
        switch (signature.emails, signature.csv) {
        case (let emails?, nil): recipients = parser.parse(text: emails)
        case (nil, let path?):
            guard FileManager.default.isReadableFile(atPath: path) else { throw CommandError.usage("--csv: cannot read '\(path)'") }
            recipients = parser.parseCSV(fileAtPath: path)
        default: throw CommandError.usage("give either --email ADDRESSES or --csv FILE")
        }
        guard let language = Language(code: signature.language ?? "en") else {
            throw CommandError.usage("--language: '\(signature.language ?? "")' is not one of \(Language.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let role: MembershipRole
        switch signature.role ?? "member" {
        case "member": role = .member
        case "admin", "administrator": role = .administrator
        default: throw CommandError.usage("--role: must be member or admin")
        }
        let request = JoinInvitations.Request(recipients: recipients, language: language, message: signature.message,
                                              role: role, expiresInDays: try WholeNumber(signature.expiresDays ?? 7, field: "--expires-days"))
        let problems = JoinInvitations.problems(request)
        guard problems.isEmpty else { throw CommandError.fields(problems, options: ["emails": "email"]) }
        let results = try await JoinInvitations(mailer: app.herald.mailer, configuration: app.herald.configuration, linkBox: app.herald.secretBox)
            .invite(request, organization: organization, inviter: nil, actor: .commandLine, on: app.db)
        for result in results {
            let line = result.line.map { "line \($0)" } ?? "file"
            context.console.print("\(line)\t\(result.email)\t\(result.outcome.rawValue)\(result.detail.map { "\t\($0)" } ?? "")")
        }
        let invited = results.filter { $0.outcome == .invited }.count
        context.console.print("\(invited) invited, \(results.count - invited) not")
    }
}

import Fluent
import HeraldCore
import MIME
import Vapor

/// "Create an organization with this person as its administrator": used by first-run setup and `herald admin create`.
struct AdministratorRequest {
    var name: String
    var email: String
    var organization: String
    var password: String

    /// Every problem with the input, each naming its field; the password's rules worded by `catalog` (the console and
    /// the CLI are English).
    func problems(catalog: MessageCatalog) -> [String] {
        var problems: [String] = []
        if name.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("name: is required") }
        if name.count > 200 { problems.append("name: must be at most 200 characters") }
        if let problem = SafeText.fieldProblem(name, field: "name") { problems.append(problem) }
        do { _ = try EmailAddress(email) } catch { problems.append("email: \(error)") }
        let organizationName = organization.trimmingCharacters(in: .whitespaces)
        if organizationName.isEmpty { problems.append("organization: is required") }
        if organizationName.count > 200 { problems.append("organization: must be at most 200 characters") }
        if let problem = SafeText.fieldProblem(organizationName, field: "organization") { problems.append(problem) }
        problems += PasswordPolicy().problems(password: password, email: email).map { "password: \(catalog.text($0, .en))" }
        return problems
    }

    struct Created {
        let account: Account
        let organization: Organization
    }

    /// Creates the organization (refused if the name is taken), the account (or reuses the existing one for this
    /// email, keeping its password) and an administrator membership, with audit events, on `db`.
    static func create(_ request: AdministratorRequest, passwordHash: String, actor: AuditActor, on db: any Database) async throws -> Created {
        let organizationName = request.organization.trimmingCharacters(in: .whitespaces)
        if try await Organization.query(on: db).filter(\.$name == organizationName).first() != nil {
            throw Abort(.conflict, reason: "organization: an organization named '\(organizationName)' already exists")
        }
        let organization = Organization(name: organizationName)
        try await organization.create(on: db)
        let account: Account
        if let existing = try await Account.find(email: request.email, on: db) {
            account = existing
        } else {
            account = Account(email: request.email.trimmingCharacters(in: .whitespaces), name: request.name.trimmingCharacters(in: .whitespaces), passwordHash: passwordHash)
            try await account.create(on: db)
        }
        try await Membership(organizationID: try organization.requireID(), accountID: try account.requireID(), role: .administrator).create(on: db)
        try await AuditLog.record(on: db, organizationID: organization.id, actor: actor, action: .organizationCreated,
                                  targetType: "organization", targetID: organization.id, targetLabel: organization.name)
        try await AuditLog.record(on: db, organizationID: organization.id, actor: actor, action: .memberAdded,
                                  targetType: "account", targetID: account.id, targetLabel: account.email, details: "role: Account Administrator")
        return Created(account: account, organization: organization)
    }
}

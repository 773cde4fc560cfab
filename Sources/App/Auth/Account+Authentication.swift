import Fluent
import Vapor

extension Account: ModelSessionAuthenticatable {}

extension Account {
    /// Looks up an account by email, ignoring case and surrounding spaces as people type them.
    static func find(email: String, on database: any Database) async throws -> Account? {
        try await Account.query(on: database)
            .filter(\.$email == email.trimmingCharacters(in: .whitespaces).lowercased())
            .first()
    }
}

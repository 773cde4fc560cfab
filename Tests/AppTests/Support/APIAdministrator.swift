@testable import App
import Foundation
import Vapor

/// What an API test starts from: an organization, its account administrator, and an API token of theirs as headers.
struct APIAdministrator {
    let organizationID: UUID
    let headers: HTTPHeaders

    init(_ app: Application, organization: String = "Acme") async throws {
        let created = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: organization)
        organizationID = try created.organization.requireID()
        let token = try await APITokenService.create(name: "ci", scope: .administration, organizationID: organizationID, accountID: try created.account.requireID(),
                                                     actor: .commandLine, on: app.db).token
        headers = ["Authorization": "Bearer \(token)", "Content-Type": "application/json"]
    }
}

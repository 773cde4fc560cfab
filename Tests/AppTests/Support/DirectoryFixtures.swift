@testable import App
import Fluent
import Foundation
import Vapor

enum DirectoryFixtures {
    struct Staff {
        let all: DirectoryGroup
        let engineering: DirectoryGroup
        let users: [String: DirectoryUser]
    }

    /// "All staff" = {Ann, Bob, group Engineering}; Engineering = {Bob again, Cat, Dan (disabled)}.
    static func staff(_ app: Application, organizationID: UUID) async throws -> Staff {
        var users: [String: DirectoryUser] = [:]
        for (name, enabled) in [("Ann", true), ("Bob", true), ("Cat", true), ("Dan", false)] {
            users[name] = try await DirectoryStore.createUser(name: name, email: "\(name.lowercased())@example.com", enabled: enabled,
                                                              organizationID: organizationID, actor: .system, on: app.db)
        }
        let all = try await DirectoryStore.createGroup(name: "All staff", organizationID: organizationID, actor: .system, on: app.db)
        let engineering = try await DirectoryStore.createGroup(name: "Engineering", organizationID: organizationID, actor: .system, on: app.db)
        for name in ["Ann", "Bob"] { try await DirectoryStore.addUser(users[name]!, to: all, actor: .system, on: app.db) }
        for name in ["Bob", "Cat", "Dan"] { try await DirectoryStore.addUser(users[name]!, to: engineering, actor: .system, on: app.db) }
        try await DirectoryStore.addGroup(engineering, to: all, actor: .system, on: app.db)
        return Staff(all: all, engineering: engineering, users: users)
    }

    /// Mail settings saved the way the console does: the file transport with a real sender.
    static func mailReady(_ app: Application, organizationID: UUID) async throws {
        let input = MailSettingsInput(transport: "file", server: nil, sender_address: "it@example.com", sender_name: "Acme IT",
                                      tls_mode: nil, minimum_tls_version: nil, verify_certificates: nil, ca_certificate: nil,
                                      requires_authentication: false, username: nil, password: nil)
        try await MailSettingsStore.save(input, organizationID: organizationID, actor: .system, secretBox: app.herald.secretBox, on: app.db)
    }
}

import Foundation
import LDAP
import Logging
import NIOCore

/// "Test connection": connect, sign in, and read the first page of users and of groups, stopping at the first step
/// that fails with one sentence saying what to do. Reads at most two pages, so it answers in seconds even against
/// a directory of 100,000 people.
struct LDAPConnectionTest {
    struct Result: Encodable, Sendable {
        /// "connect", "sign_in", "users", "groups": the step that failed, or nil when every step passed.
        let failedStep: String?
        /// The error's kind (`dnsFailure`, `connectionRefused`, `tls`, `bindFailed`, `sizeLimitExceeded`...).
        let failure: String?
        let message: String
        let usersFound: Int
        let groupsFound: Int
        var ok: Bool { failedStep == nil }

        enum CodingKeys: String, CodingKey { case ok, failedStep, failure, message, usersFound, groupsFound }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ok, forKey: .ok)
            try container.encodeIfPresent(failedStep, forKey: .failedStep)
            try container.encodeIfPresent(failure, forKey: .failure)
            try container.encode(message, forKey: .message)
            try container.encode(usersFound, forKey: .usersFound)
            try container.encode(groupsFound, forKey: .groupsFound)
        }
    }

    /// Entries read per search: enough to see the mapping works, few enough to stay quick.
    static let sample = 200

    let settings: LDAPConnectionSettings
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    func run() async -> Result {
        let client: LDAPClient
        do {
            client = try await settings.connect(group: eventLoopGroup, logger: logger)
        } catch {
            let step = error.kind == .bindFailed || error.kind == .invalidCredentials ? "sign_in" : "connect"
            return Result(failedStep: step, failure: error.kind.rawValue, message: error.explanation, usersFound: 0, groupsFound: 0)
        }
        defer { Task { await client.close() } }
        let mapping = settings.mapping
        var users = 0, groups = 0
        do {
            users = try await count(client, LDAPSearchRequest(baseDN: settings.userBaseDN, filter: mapping.userFilter,
                                                              attributes: mapping.userAttributes, pageSize: Self.sample))
        } catch {
            return Result(failedStep: "users", failure: error.kind.rawValue, message: "Searching for users: " + error.explanation, usersFound: 0, groupsFound: 0)
        }
        do {
            groups = try await count(client, LDAPSearchRequest(baseDN: settings.groupBaseDN, filter: mapping.groupFilter,
                                                               attributes: mapping.groupAttributes, pageSize: Self.sample))
        } catch {
            return Result(failedStep: "groups", failure: error.kind.rawValue, message: "Searching for groups: " + error.explanation, usersFound: users, groupsFound: 0)
        }
        let more = { (count: Int) in count >= Self.sample ? "at least \(count)" : "\(count)" }
        let message = "Connected and signed in as \(settings.bindDN). Found \(more(users)) users and \(more(groups)) groups; a sync reads them all."
        return Result(failedStep: nil, failure: nil, message: message, usersFound: users, groupsFound: groups)
    }

    /// Entries of the search's first page (the iteration stops there, which abandons the search on the server).
    private func count(_ client: LDAPClient, _ request: LDAPSearchRequest) async throws(LDAPError) -> Int {
        var count = 0
        do {
            for try await _ in try client.search(request) {
                count += 1
                if count >= Self.sample { break }
            }
        } catch let error as LDAPError {
            throw error
        } catch {
            throw LDAPError(.protocolError, message: "\(error)")
        }
        return count
    }
}

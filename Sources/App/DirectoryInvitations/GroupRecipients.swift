import Fluent
import HeraldCore
import MIME
import Vapor

/// Directory groups as invitation targets: "invite group Engineering". A group reaches its enabled, not-removed
/// people through nested groups (`DirectoryGraph`); each address is reached once, attributed to the first group
/// chosen that reaches it.
struct GroupRecipients: Sendable {
    struct Recipient: Sendable {
        let address: EmailAddress
        let group: String
    }

    static let maximumGroups = 100

    var recipients: [Recipient] = []

    /// Group name for each normalized address the groups reached.
    var origins: [String: String] {
        Dictionary(recipients.map { ($0.address.normalized, $0.group) }, uniquingKeysWith: { first, _ in first })
    }

    /// Finds each reference (a group id, or a group name) in the organization's directory; an unknown one is a 400
    /// naming `groups[index]` (the reference is not echoed: it is request text).
    static func resolve(_ references: [String]?, organizationID: UUID, on db: any Database) async throws -> GroupRecipients {
        let references = references ?? []
        guard !references.isEmpty else { return GroupRecipients() }
        guard references.count <= maximumGroups else { throw Abort(.badRequest, reason: "groups: at most \(maximumGroups) groups per request") }
        let groups = try await DirectoryStore.groups(of: organizationID, on: db)
        var chosen: [DirectoryGroup] = []
        for (index, reference) in references.enumerated() {
            let text = reference.trimmingCharacters(in: .whitespaces)
            let match = groups.first { group in UUID(uuidString: text).map { $0 == group.id } ?? false }
                ?? groups.first { $0.name == text } ?? groups.first { $0.name.caseInsensitiveCompare(text) == .orderedSame }
            guard let match else { throw Abort(.badRequest, reason: "groups[\(index)]: no such group in the directory") }
            if !chosen.contains(where: { $0.id == match.id }) { chosen.append(match) }
        }
        let users = try await DirectoryStore.users(of: organizationID, on: db)
        let graph = try await DirectoryStore.graph(of: organizationID, users: users, on: db)
        return try expand(chosen, graph: graph, users: users)
    }

    /// The people the groups reach, each once, in the order of the groups.
    static func expand(_ groups: [DirectoryGroup], graph: DirectoryGraph<UUID>, users: [DirectoryUser]) throws -> GroupRecipients {
        let byID = Dictionary(uniqueKeysWithValues: try users.map { (try $0.requireID(), $0) })
        var seen = Set<String>()
        var result = GroupRecipients()
        for group in groups {
            for id in graph.recipients(users: [], groups: [try group.requireID()]) {
                // An address the directory holds but the mailer would refuse is skipped, not fatal.
                guard let user = byID[id], let address = try? EmailAddress(user.email), seen.insert(address.normalized).inserted else { continue }
                result.recipients.append(Recipient(address: address, group: group.name))
            }
        }
        return result
    }

    /// Without the people typed already: a typed address is the administrator's, not the group's.
    func excluding(_ typed: [EmailAddress]) -> GroupRecipients {
        let typed = Set(typed.map(\.normalized))
        return GroupRecipients(recipients: recipients.filter { !typed.contains($0.address.normalized) })
    }

    /// Adds the groups' people after the typed addresses (call on `excluding(typed)`), numbering their lines on.
    func merged(into list: RecipientList) -> RecipientList {
        var list = list
        var line = (list.recipients.map(\.line) + list.errors.compactMap(\.line)).max() ?? 0
        for recipient in recipients {
            line += 1
            list.recipients.append((line, recipient.address))
        }
        return list
    }
}

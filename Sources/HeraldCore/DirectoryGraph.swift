/// The directory's group structure as plain values: which users and groups each group contains.
///
/// Groups may contain groups. The console and the import refuse an edge that would close a cycle, but SCIM and LDAP
/// store what the identity provider sends, cycles included, so the expansion visits each group once and terminates.
public struct DirectoryGraph<ID: Hashable & Sendable>: Sendable {
    public struct Person: Sendable {
        public let id: ID
        public let enabled: Bool

        public init(id: ID, enabled: Bool) {
            self.id = id
            self.enabled = enabled
        }
    }

    public var people: [ID: Person]
    public var memberUsers: [ID: [ID]]
    public var memberGroups: [ID: [ID]]

    public init(people: [Person], memberUsers: [ID: [ID]], memberGroups: [ID: [ID]]) {
        self.people = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.memberUsers = memberUsers
        self.memberGroups = memberGroups
    }

    /// The enabled people chosen directly or through groups (nested to any depth), each once,
    /// in the order first reached: chosen users first, then each group's members depth first.
    public func recipients(users: [ID], groups: [ID]) -> [ID] {
        var seen = Set<ID>()
        var result: [ID] = []
        func add(_ user: ID) {
            guard people[user]?.enabled == true, seen.insert(user).inserted else { return }
            result.append(user)
        }
        users.forEach(add)
        var visited = Set<ID>()
        func expand(_ group: ID) {
            guard visited.insert(group).inserted else { return }
            memberUsers[group, default: []].forEach(add)
            memberGroups[group, default: []].forEach(expand)
        }
        groups.forEach(expand)
        return result
    }

    /// True when putting `child` into `parent` would make a group contain itself, directly or through others.
    public func wouldCreateCycle(adding child: ID, to parent: ID) -> Bool {
        if child == parent { return true }
        var stack = [child]
        var visited = Set<ID>()
        while let group = stack.popLast() {
            if group == parent { return true }
            guard visited.insert(group).inserted else { continue }
            stack += memberGroups[group, default: []]
        }
        return false
    }
}

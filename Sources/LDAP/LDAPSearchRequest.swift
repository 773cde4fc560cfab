/// What to search for. The filter is an RFC 4515 string, checked when the search starts (`.invalidFilter`).
public struct LDAPSearchRequest: Sendable, Equatable {
    public var baseDN: String
    public var scope: LDAPSearchScope
    public var filter: String
    /// The attributes to return; empty asks for all user attributes.
    public var attributes: [String]
    /// Entries per page (RFC 2696), 1...100,000; nil sends no paging control (the server's size limit then
    /// applies: `.sizeLimitExceeded`). Active Directory returns at most 1,000 per page whatever is asked.
    public var pageSize: Int?
    /// Seconds the server may spend on each page; 0 leaves it to the server.
    public var timeLimit: Int

    public init(
        baseDN: String, scope: LDAPSearchScope = .wholeSubtree, filter: String = "(objectClass=*)",
        attributes: [String] = [], pageSize: Int? = 1000, timeLimit: Int = 0
    ) {
        self.baseDN = baseDN
        self.scope = scope
        self.filter = filter
        self.attributes = attributes
        self.pageSize = pageSize
        self.timeLimit = timeLimit
    }

    func parameters() throws(LDAPError) -> LDAPSearchParameters {
        if let pageSize, !(1...100_000).contains(pageSize) {
            throw LDAPError(.invalidConfiguration, message: "the page size must be 1-100000, not \(pageSize)")
        }
        guard (0...86_400).contains(timeLimit) else {
            throw LDAPError(.invalidConfiguration, message: "the time limit must be 0-86400 seconds, not \(timeLimit)")
        }
        let parsed: LDAPFilter
        do {
            parsed = try LDAPFilter(parsing: filter)
        } catch {
            throw LDAPError(.invalidFilter, message: error.description)
        }
        return LDAPSearchParameters(baseDN: baseDN, scope: scope, filter: parsed, attributes: attributes, timeLimit: timeLimit)
    }
}

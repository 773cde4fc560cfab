/// Which servers organizations may have Herald connect to: SMTP relays (`HERALD_SMTP_ALLOWED_HOSTS`), LDAP
/// directories (`HERALD_LDAP_ALLOWED_HOSTS`) and bounce mailboxes (`HERALD_POP3_ALLOWED_HOSTS`).
///
/// An organization's administrator types the server, and Herald connects to it from inside the operator's
/// network: without a limit, mail or directory settings are a port scanner for that network. Entries are separated by commas:
/// `smtp.example.com`, `*.example.com` (the domain and its subdomains), `10.0.0.5`, `[::1]`, or `*` (any host),
/// each optionally with `:port` (without one, any port). The default allows any host on the ports mail
/// submission uses (25, 465, 587, 2525), for LDAP the directory ports (389, 636, and Active Directory's global
/// catalog, 3268 and 3269), and for bounce mailboxes POP3's (110, 995): existing settings with a provider keep
/// working, and the other ports of internal machines are out of reach. An operator of a shared Herald lists the relays and directories instead.
public struct ServerPolicy: Sendable, Equatable, CustomStringConvertible {
    public struct Entry: Sendable, Equatable {
        public enum Host: Sendable, Equatable {
            case any
            case exactly(String)
            /// `*.example.com`: example.com and every name under it.
            case domain(String)
        }
        public let host: Host
        public let port: Int?
    }

    public let entries: [Entry]

    public static let mailPorts = [25, 465, 587, 2525]
    public static let smtpStandard = ServerPolicy(entries: mailPorts.map { Entry(host: .any, port: $0) })
    public static let directoryPorts = [389, 636, 3268, 3269]
    public static let ldapStandard = ServerPolicy(entries: directoryPorts.map { Entry(host: .any, port: $0) })
    public static let pop3Ports = [110, 995]
    public static let pop3Standard = ServerPolicy(entries: pop3Ports.map { Entry(host: .any, port: $0) })
    /// Any host, any port: for tests with servers on random ports, or an operator who trusts every administrator.
    public static let anyServer = ServerPolicy(entries: [Entry(host: .any, port: nil)])

    public init(entries: [Entry]) { self.entries = entries }

    /// `variable` names the setting in every problem: `HERALD_SMTP_ALLOWED_HOSTS`, `HERALD_LDAP_ALLOWED_HOSTS` or
    /// `HERALD_POP3_ALLOWED_HOSTS`.
    public static func parse(_ text: String, variable: String) -> Result<ServerPolicy, FieldProblem> {
        var entries: [Entry] = []
        for raw in text.split(separator: ",") {
            let item = raw.trimmingWhitespace().lowercased()
            guard !item.isEmpty else { continue }
            var host = item
            var port: Int?
            if let colon = item.lastIndex(of: ":"), item.hasPrefix("[") ? item[..<colon].hasSuffix("]") : item.firstIndex(of: ":") == colon {
                guard let number = Int(item[item.index(after: colon)...]), (1...65_535).contains(number) else {
                    return .failure(FieldProblem(field: variable, "'\(item)' has no valid port (1-65535)"))
                }
                port = number
                host = String(item[..<colon])
            }
            host = normalized(host)
            guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:*".contains($0) }),
                  host == "*" || !host.dropFirst().contains("*"), host == "*" || host.first != "*" || host.hasPrefix("*.") else {
                return .failure(FieldProblem(field: variable, "'\(item)' is not a host, *.domain or *"))
            }
            let pattern: Entry.Host = host == "*" ? .any : host.hasPrefix("*.") ? .domain(String(host.dropFirst(2))) : .exactly(host)
            entries.append(Entry(host: pattern, port: port))
        }
        guard !entries.isEmpty else { return .failure(FieldProblem(field: variable, "lists no host")) }
        return .success(ServerPolicy(entries: entries))
    }

    public func allows(host: String, port: Int) -> Bool {
        let host = Self.normalized(host.lowercased())
        return entries.contains { entry in
            guard entry.port == nil || entry.port == port else { return false }
            switch entry.host {
            case .any: return true
            case .exactly(let name): return host == name
            case .domain(let domain): return host == domain || host.hasSuffix("." + domain)
            }
        }
    }

    /// "*:25, *:465, smtp.example.com": what an administrator is told when a server is refused.
    public var description: String {
        entries.map { entry in
            let host: String = switch entry.host {
            case .any: "*"
            case .exactly(let name): name.contains(":") ? "[\(name)]" : name
            case .domain(let domain): "*." + domain
            }
            return entry.port.map { "\(host):\($0)" } ?? host
        }.joined(separator: ", ")
    }

    /// Brackets of IPv6 literals and a trailing root dot do not change the server.
    static func normalized(_ host: String) -> String {
        var host = host
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }
}

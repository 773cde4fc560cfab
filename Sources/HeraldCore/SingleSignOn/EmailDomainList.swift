import Foundation

/// The email domains an organization lets in through its identity provider ("example.com, example.org"): lower-cased,
/// without duplicates, each a host name. A domain matches only exactly (`a.example.com` is not `example.com`): a
/// subdomain is often another tenant, so an administrator lists each one.
public struct EmailDomainList: Sendable, Equatable {
    public let domains: [String]

    public static let maximumCount = 100

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case tooMany(Int)
        case notADomain(String)

        public var description: String {
            switch self {
            case .tooMany(let limit): "at most \(limit) domains"
            case .notADomain(let text): "'\(text)' is not a domain name (letters, digits, '-' and '.', like example.com)"
            }
        }
    }

    /// Domains separated by commas, spaces or new lines.
    public init(parsing text: String) throws(Problem) {
        let words = text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" })
        var seen: [String] = []
        for word in words {
            let domain = word.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "@."))
            guard Self.isDomain(domain) else { throw .notADomain(String(word.prefix(80))) }
            if !seen.contains(domain) { seen.append(domain) }
        }
        guard seen.count <= Self.maximumCount else { throw .tooMany(Self.maximumCount) }
        domains = seen
    }

    /// How it is stored and shown: the domains joined by ", ".
    public var text: String { domains.joined(separator: ", ") }

    /// Whether the address's domain (after the last `@`) is one of the list's.
    public func allows(email: String) -> Bool {
        guard let at = email.lastIndex(of: "@") else { return false }
        return domains.contains(email[email.index(after: at)...].lowercased())
    }

    static func isDomain(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard text.utf8.count <= 253, labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
    }
}

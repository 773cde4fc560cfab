import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The public address of the farm's gateway as people type it: a fully qualified domain name or an IP address.
public enum HostAddress: Sendable, Hashable {
    case domainName(String)
    case ipv4(String)
    case ipv6(String)

    /// The address as it goes into links and instructions (domain names lower-cased).
    public var text: String {
        switch self {
        case .domainName(let name): name
        case .ipv4(let address), .ipv6(let address): address
        }
    }

    /// Validates `raw`; the error says what is wrong in words an administrator understands.
    public static func parse(_ raw: String) -> Result<HostAddress, FieldProblem> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return .failure(.init(field: "server", "is required (a domain name such as gw.example.com, or an IP address)")) }
        if isIPv4(text) { return .success(.ipv4(text)) }
        let unbracketed = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        if unbracketed.contains(":") {
            return isIPv6(unbracketed) ? .success(.ipv6(unbracketed)) : .failure(.init(field: "server", "'\(text)' is not a valid IPv6 address"))
        }
        let name = text.hasSuffix(".") ? String(text.dropLast()) : text
        return isFullyQualifiedDomainName(name)
            ? .success(.domainName(name.lowercased()))
            : .failure(.init(field: "server", "'\(text)' is not a fully qualified domain name (e.g. gw.example.com) or an IP address"))
    }

    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            // Leading zeros are refused: some resolvers read "010" as octal.
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && Int(part)! <= 255 && (part == "0" || part.first != "0")
        }
    }

    static func isIPv6(_ text: String) -> Bool {
        var storage = in6_addr()
        return inet_pton(AF_INET6, text, &storage) == 1
    }

    /// RFC 1123 host names with at least two labels; the last label must not be all digits (that would be a
    /// mistyped IPv4 address such as 10.0.0.256).
    static func isFullyQualifiedDomainName(_ name: String) -> Bool {
        guard name.utf8.count <= 253 else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let last = labels.last, !last.allSatisfy(\.isASCIIDigit) else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}

/// One problem with one field of a form, an API body or a command line.
public struct FieldProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    /// "port: must be a number from 1 to 65535"
    public var description: String { "\(field): \(message)" }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// Every problem of one input at once, so a form can show them all.
public struct FieldProblems: Error, Sendable, Hashable, RandomAccessCollection {
    public let all: [FieldProblem]

    public init(_ all: [FieldProblem]) { self.all = all }

    public var startIndex: Int { all.startIndex }
    public var endIndex: Int { all.endIndex }
    public subscript(position: Int) -> FieldProblem { all[position] }
}

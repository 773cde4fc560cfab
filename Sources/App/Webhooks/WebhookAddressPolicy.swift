#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NIOPosix

/// Which URLs webhook endpoints may have and which addresses Herald may post to.
///
/// Loopback, private, link-local, carrier-grade NAT, unique-local and multicast addresses are refused unless the
/// operator allows them (`HERALD_WEBHOOK_ALLOW_PRIVATE_ADDRESSES`): an administrator of one organization must not
/// be able to make the server post to its own admin ports or a cloud metadata service. IP literals are refused when
/// the endpoint is saved; host names are resolved before every delivery and refused if any address is private.
/// (A name that resolves differently between that check and the connection is the one gap; operators who need it
/// closed also filter egress in their firewall, as the README says.)
struct WebhookAddressPolicy: Sendable {
    var allowPrivateAddresses: Bool

    static let maximumURLLength = 2000

    /// The problem with a URL an administrator entered (`url: ...`), or nil.
    func problem(with text: String) -> String? { refusal(of: text)?.text }

    /// The same, with the code the console words it by in the person's language.
    func refusal(of text: String) -> WebhookInputProblem? {
        func refused(_ code: String, _ english: String, _ arguments: [String: String] = [:]) -> WebhookInputProblem {
            WebhookInputProblem(field: "url", code: code, english: english, arguments: arguments)
        }
        guard text.count <= Self.maximumURLLength else {
            return refused("url_too_long", "must be at most \(Self.maximumURLLength) characters", ["maximum": String(Self.maximumURLLength)])
        }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }),
              let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty
        else { return refused("url_not_http", "must be an absolute http or https URL") }
        guard components.user == nil, components.password == nil else { return refused("url_credentials", "must not carry a user name or password") }
        guard components.fragment == nil else { return refused("url_fragment", "must not have a fragment") }
        if !allowPrivateAddresses {
            let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            if bare.lowercased() == "localhost" || bare.lowercased().hasSuffix(".localhost") || Self.isPrivate(literal: bare) == true {
                return refused("url_private", "private and loopback addresses are refused on this server")
            }
        }
        return nil
    }

    /// Throws when the host resolves to an address this policy refuses (or does not resolve).
    func check(host: String) async throws {
        guard !allowPrivateAddresses else { return }
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if let literal = Self.isPrivate(literal: bare) {
            if literal { throw WebhookRefusal("\(bare) is a private or loopback address") }
            return
        }
        let addresses = try await NIOThreadPool.singleton.runIfActive { try Self.resolve(bare) }
        guard !addresses.isEmpty else { throw WebhookRefusal("\(bare) does not resolve") }
        if let refused = addresses.first(where: { Self.isPrivate(literal: $0) ?? true }) {
            throw WebhookRefusal("\(bare) resolves to \(refused), a private or loopback address")
        }
    }

    /// nil when `text` is not an IP address.
    static func isPrivate(literal text: String) -> Bool? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return isPrivate(v4: withUnsafeBytes(of: v4.s_addr) { Array($0) })
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return isPrivate(v6: withUnsafeBytes(of: v6) { Array($0) })
        }
        return nil
    }

    static func isPrivate(v4 b: [UInt8]) -> Bool {
        switch (b[0], b[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
        case (100, 64...127), (172, 16...31), (198, 18...19): return true
        case (192, 0) where b[2] == 0: return true
        case (224..., _): return true  // multicast, reserved and broadcast
        default: return false
        }
    }

    static func isPrivate(v6 b: [UInt8]) -> Bool {
        if b[0..<15].allSatisfy({ $0 == 0 }) { return true }  // :: and ::1
        if b[0] & 0xFE == 0xFC { return true }  // fc00::/7 unique local
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return true }  // fe80::/10 link local
        if b[0] == 0xFF { return true }  // multicast
        // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address that decides.
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return isPrivate(v4: Array(b[12..<16])) }
        if b[0..<12] == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] { return isPrivate(v4: Array(b[12..<16])) }
        return false
    }

    private static func resolve(_ host: String) throws -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(cString: buffer))
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }
}

/// A delivery Herald would not attempt (a refused address); recorded as the attempt's error.
struct WebhookRefusal: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import CResolv
import DKIM
import Foundation
import NIOCore
import Vapor

/// Where the DKIM record check sends its query instead of the system resolver (HERALD_DNS_SERVER): for split-horizon
/// networks whose resolver does not see the public zone, and for the tests' loopback DNS server.
public struct DNSServerAddress: Sendable, Equatable {
    public var ipv4: String
    public var port: Int

    /// `a.b.c.d` or `a.b.c.d:port`.
    public static func parse(_ text: String) -> DNSServerAddress? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let host = parts.first, (try? SocketAddress(ipAddress: String(host), port: 53)) != nil,
              !host.contains(":") else { return nil }
        let port = parts.count == 2 ? Int(parts[1]) : 53
        guard let port, (1...65535).contains(port) else { return nil }
        return DNSServerAddress(ipv4: String(host), port: port)
    }
}

/// Whether a key's record is published as Herald would publish it: a TXT lookup through the system resolver
/// (`res_nquery` from glibc's libresolv, via the CResolv shim). Chosen over a DNS client of our own on NIO because
/// the system resolver already knows the machine's servers, search rules, timeouts and DNSSEC-validating
/// forwarders, needs no new package, and one query per button press does not need an event loop. The blocking call
/// (up to the timeout) runs on a thread of its own (`OwnThread`), never on the pool that runs SQLite.
enum DKIMDNSCheck {
    enum Outcome: String, Codable, Sendable {
        case matches, differs, missing, notDKIM = "not_dkim", unreachable
    }

    struct Result: Content {
        let keyID: UUID
        let name: String
        let outcome: Outcome
        let message: String
        /// The TXT text found, when there was one.
        let published: String?
    }

    static let timeoutSeconds: Int32 = 3

    static func check(_ key: DKIMKey, server: DNSServerAddress?) async throws -> Result {
        let name = key.dnsName
        let answer = await OwnThread.run { lookup(name, server: server) }
        let id = try key.requireID()
        switch answer {
        case .failure(let status):
            switch status {
            case HERALD_TXT_NXDOMAIN, HERALD_TXT_NODATA:
                return Result(keyID: id, name: name, outcome: .missing, message: "No TXT record is published at \(name) yet.", published: nil)
            case HERALD_TXT_UNREACHABLE:
                return Result(keyID: id, name: name, outcome: .unreachable,
                              message: "DNS is unreachable: no name server answered for \(name) (timeout or server failure). Nothing is known about the record; try again later.",
                              published: nil)
            case HERALD_TXT_NO_RESOLVER:
                return Result(keyID: id, name: name, outcome: .unreachable,
                              message: "DNS is unreachable: this server has no usable resolver configuration (/etc/resolv.conf).", published: nil)
            default:
                return Result(keyID: id, name: name, outcome: .unreachable,
                              message: "DNS is unreachable: the name server refused the query for \(name) or answered with something unusable.", published: nil)
            }
        case .success(let records):
            // A name may hold several TXT records; the key matches when one of them is ours.
            let comparisons = records.map { DKIMRecord($0).compare(toPublicKey: key.publicKey, algorithm: key.algorithm) }
            if comparisons.contains(.matches) {
                return Result(keyID: id, name: name, outcome: .matches, message: "The record published at \(name) matches this key.", published: records.joined(separator: "\n"))
            }
            if comparisons.contains(.differs) {
                return Result(keyID: id, name: name, outcome: .differs,
                              message: "A DKIM record is published at \(name) but holds another key: publish the record shown here (it may take the zone's TTL to change).",
                              published: records.joined(separator: "\n"))
            }
            return Result(keyID: id, name: name, outcome: .notDKIM, message: "The TXT record at \(name) is not a DKIM key record.", published: records.joined(separator: "\n"))
        }
    }

    enum Answer: Sendable {
        case success([String])
        case failure(Int32)
    }

    /// Blocking: call on a thread pool.
    static func lookup(_ name: String, server: DNSServerAddress?) -> Answer {
        var buffer = [CChar](repeating: 0, count: 16384)
        let length: Int32 = buffer.withUnsafeMutableBufferPointer { out in
            if let server {
                return herald_txt_lookup(name, server.ipv4, Int32(server.port), timeoutSeconds, out.baseAddress, Int32(out.count))
            }
            return herald_txt_lookup(name, nil, 0, timeoutSeconds, out.baseAddress, Int32(out.count))
        }
        guard length >= 0 else { return .failure(length) }
        let bytes = buffer[0..<Int(length)].map { UInt8(bitPattern: $0) }
        return .success(bytes.split(separator: 10, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) })
    }
}

import Foundation
import LDAP
import Logging
import NIOPosix

// Usage: ldap-search-bench URL CA_FILE BIND_DN PASSWORD BASE_DN FILTER PAGE_SIZE
// The same paged search as `ldapsearch -ZZ -E pr=PAGE_SIZE/noprompt -b BASE_DN FILTER`, with Herald's LDAP client:
// every entry is read and each value touched once (as a sync reads them), nothing is kept. Prints one line of
// key=value figures for Benchmarks/ldap-search to read.
let arguments = CommandLine.arguments
guard arguments.count == 8, let pageSize = Int(arguments[7]) else {
    FileHandle.standardError.write(Data("usage: ldap-search-bench URL CA_FILE BIND_DN PASSWORD BASE_DN FILTER PAGE_SIZE\n".utf8))
    exit(64)
}
do {
    let started = Date()
    let ca = try String(contentsOfFile: arguments[2], encoding: .utf8)
    let configuration = try LDAPConfiguration(url: arguments[1], caCertificatePEM: ca)
    let client = try await LDAPClient.connect(configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                              logger: Logger(label: "ldap-search-bench"))
    try await client.bind(dn: arguments[3], password: arguments[4])
    var entries = 0, values = 0, bytes = 0
    let request = LDAPSearchRequest(baseDN: arguments[5], filter: arguments[6], pageSize: pageSize)
    for try await entry in try client.search(request) {
        entries += 1
        for list in entry.attributes.values {
            values += list.count
            for value in list { bytes += value.count }
        }
    }
    await client.close()
    print(String(format: "entries=%d values=%d value_bytes=%d seconds=%.3f", entries, values, bytes, Date().timeIntervalSince(started)))
} catch let error as LDAPError {
    FileHandle.standardError.write(Data("ldap-search-bench: \(error) — \(error.explanation)\n".utf8))
    exit(1)
}

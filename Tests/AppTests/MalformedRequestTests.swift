@testable import App
import Foundation
import Testing
import Vapor
#if canImport(Glibc)
import Glibc
#endif

/// Requests at the edge of what HTTP allows, sent over a real socket to a served `herald` binary: the header limit
/// belongs to NIO's parser and the static files to the file system, neither of which the in-memory tester reaches.
@Suite("malformed and oversized requests", .serialized)
struct MalformedRequestTests {
    @Test("headers over 80 KB are answered 431, not dropped; garbage is answered 400; the server keeps serving")
    func oversizedHeadersGet431() async throws {
        try await withServedHerald { herald in
            // when
            let oversized = try RawHTTP.exchange(port: herald.port, """
                GET /signin HTTP/1.1\r\nHost: herald.test\r\nX-Padding: \(String(repeating: "a", count: 100 * 1024))\r\n\r\n
                """)
            let garbage = try RawHTTP.exchange(port: herald.port, "NOT HTTP AT ALL\r\n\r\n")
            let (status, _) = try await herald.request("GET", "/signin")

            // then
            #expect(oversized.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large"), "\(oversized.prefix(300))")
            #expect(garbage.hasPrefix("HTTP/1.1 400 Bad Request"), "\(garbage.prefix(300))")
            #expect(status == 200)
        }
    }

    @Test("a path of 5 KB is a plain 404 that names no folder of the server")
    func longPathIs404WithoutServerPaths() async throws {
        try await withServedHerald { herald in
            // when
            let response = try RawHTTP.exchange(port: herald.port, "GET /\(String(repeating: "x", count: 5_000)) HTTP/1.1\r\nHost: herald.test\r\nConnection: close\r\n\r\n")

            // then
            #expect(response.hasPrefix("HTTP/1.1 404"), "\(response.prefix(300))")
            #expect(!response.contains(FileManager.default.currentDirectoryPath), "\(response.prefix(2000))")
            #expect(!response.contains("Public/"))
        }
    }

    @Test("a NUL or a control character in a path serves no file; the stylesheet itself still loads")
    func nulInPathServesNothing() async throws {
        try await withServedHerald { herald in
            // when
            let (plain, css) = try await herald.request("GET", "/css/herald.css")
            var refused: [String: Int] = [:]
            for path in ["/css/herald.css%00.txt", "/css/herald.css%00", "/css/herald.css%0A", "/css/%2E%2E/css/herald.css",
                         "/css/herald.css/x", "/\(String(repeating: "a", count: 300))"] {
                refused[path] = try await herald.request("GET", path).0
            }

            // then
            #expect(plain == 200 && String(decoding: css, as: UTF8.self).contains("{"))
            #expect(refused.values.allSatisfy { $0 == 404 }, "\(refused)")
        }
    }

    private func withServedHerald(_ test: (HeraldInstance) async throws -> Void) async throws {
        let deployment = try HeraldDeployment(postgres: false)
        defer { deployment.tearDown() }
        let herald = try await deployment.serve()
        try await test(herald)
        #expect(herald.process.isRunning, "herald serve is still running: \(herald.logTail())")
    }
}

/// Writes bytes to a fresh TCP connection and reads whatever comes back until the server closes it or a timeout.
enum RawHTTP {
    static func exchange(port: Int, _ request: String, timeout: TimeInterval = 10) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { throw TestSetupError("cannot connect to port \(port)") }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            // The server may answer and stop reading before the whole request is in: that is allowed.
            let count = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { break }
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}

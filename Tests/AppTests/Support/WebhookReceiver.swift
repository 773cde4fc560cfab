import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import TestProcesses

/// scripts/webhook-receiver.py on a loopback port, started for one test: it verifies every delivery with the
/// `standardwebhooks` package (PyPI) against the secrets registered for the delivery's key.
final class WebhookReceiver: @unchecked Sendable {
    struct Entry: Decodable, Sendable {
        let mode: String
        let id: String?
        let verified: Bool
        let verified_by: [Int]
        let type: String?
        let body: String
        let signature: String?
    }

    let process = ChildProcess()
    private let input = Pipe()
    let port: Int
    /// The shared client needs no shutdown, so `stop()` can run in a `defer`.
    private var client: HTTPClient { HTTPClient.shared }

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/webhook-receiver.py")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let output = Pipe()
        process.standardOutput = output
        // The receiver exits when this pipe closes: with the test process, even if it crashes.
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") {
            line.append(first)
        }
        guard let text = String(data: line, encoding: .utf8), text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
            process.terminate()
            throw TestSetupError("scripts/webhook-receiver.py did not start (is the standardwebhooks package installed? scripts/install-test-deps)")
        }
        self.port = port
    }

    func url(_ mode: String, _ key: String) -> String { "http://127.0.0.1:\(port)/\(mode)/\(key)" }

    func register(_ key: String, secrets: [String]) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/_register/\(key)")
        request.method = .POST
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(["secrets": secrets])))
        _ = try await client.execute(request, timeout: .seconds(10))
    }

    func log(_ key: String) async throws -> [Entry] {
        let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/_log/\(key)"), timeout: .seconds(10))
        return try JSONDecoder().decode([Entry].self, from: Data(buffer: try await response.body.collect(upTo: 64 << 20)))
    }

    /// Not waiting for the exit: `waitUntilExit` would block one of the few cooperative threads the tests share.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        try? input.fileHandleForWriting.close()
    }
}

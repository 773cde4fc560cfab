import Foundation
import LiveServerSupport
import TestProcesses

/// Runs the built `herald` binary as an operator would, for tests of the command line and of `herald serve`.
struct HeraldProcess {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// `.build/debug/herald`, beside the test bundle that is running.
    static var binary: String {
        get throws {
            var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = folder.appendingPathComponent("herald").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
            throw TestSetupError("the herald binary was not built: run `swift build --build-tests` (./scripts/test does)")
        }
    }

    /// Runs `herald arguments` in `directory` (the test's own working directory unless given).
    static func run(_ arguments: [String], environment: [String: String], stdin: String? = nil, directory: String? = nil) throws -> Output {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: try binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LOG_LEVEL": "error"].merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Starts `herald serve` on a free port and waits until it answers `/healthz`; the caller must `terminate()`.
    static func serve(environment: [String: String], port: Int) async throws -> (ChildProcess, Pipe) {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: try binary)
        process.arguments = ["serve", "--hostname", "127.0.0.1", "--port", String(port)]
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LOG_LEVEL": "error"].merging(environment) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        do {
            try await waitUntilHealthy(baseURL: "http://127.0.0.1:\(port)", isRunning: { process.isRunning })
        } catch {
            process.terminate()
            throw error
        }
        return (process, out)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw TestSetupError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

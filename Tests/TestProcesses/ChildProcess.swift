// Why this file exists instead of Foundation's `Process`:
//
// The Foundation of the Swift 6.3.1 toolchain finds the descriptors to close in a new child by listing
// /proc/self/fd and copying each entry's whole 256-byte `d_name`, which reads past the end of glibc's readdir
// buffer. Once the test process holds about 1,350 descriptors (it does: hundreds of tests run at once, each with
// its own SQLite database), the last entry lies near the buffer's end and `Process.run()` dies with a bad pointer
// dereference (CI crashed twice so; the backtrace ends in `Process.run()` → `memcpy`). Upstream Foundation has since
// fixed it ("Don't bulk-copy pointee.d_name"); when the toolchain ships the fix, this file can go.
//
// swift-subprocess (available here) closes descriptors correctly, but it runs a child only inside a scope, while
// the fixtures start servers (herald serve, the webhook receiver, the DNS server) that live across a test and are
// read from while they run. So this is a small `posix_spawn` with the surface the tests used from `Process`, and
// the child's descriptors are closed by glibc's `closefrom` file action, without listing anything.

import CTestProcesses
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A standard stream of a child: a `Pipe` (the child gets the far end) or a `FileHandle` (the child gets a copy).
public protocol ChildStream: AnyObject, Sendable {}
extension Pipe: ChildStream {}
extension FileHandle: ChildStream {}

public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String
}

/// A child process started with `posix_spawn`, in a process group of its own (as Foundation's were), with default
/// signal handling and an empty signal mask, so that SIGTERM ends it.
public final class ChildProcess: Sendable {
    private struct Settings {
        var executableURL: URL?
        var arguments: [String] = []
        var environment: [String: String]?
        var currentDirectoryURL: URL?
        var standardInput: (any ChildStream)?
        var standardOutput: (any ChildStream)?
        var standardError: (any ChildStream)?
    }

    private enum State {
        case notStarted
        case running(pid_t)
        case exited(pid: pid_t, status: Int32)
    }

    private let settings = Mutex(Settings())
    private let state = Mutex(State.notStarted)

    public init() {}

    public var executableURL: URL? {
        get { settings.withLock { $0.executableURL } }
        set { settings.withLock { $0.executableURL = newValue } }
    }
    public var arguments: [String] {
        get { settings.withLock { $0.arguments } }
        set { settings.withLock { $0.arguments = newValue } }
    }
    /// nil: the child inherits this process's environment.
    public var environment: [String: String]? {
        get { settings.withLock { $0.environment } }
        set { settings.withLock { $0.environment = newValue } }
    }
    public var currentDirectoryURL: URL? {
        get { settings.withLock { $0.currentDirectoryURL } }
        set { settings.withLock { $0.currentDirectoryURL = newValue } }
    }
    /// nil: the child shares this process's stream.
    public var standardInput: (any ChildStream)? {
        get { settings.withLock { $0.standardInput } }
        set { settings.withLock { $0.standardInput = newValue } }
    }
    public var standardOutput: (any ChildStream)? {
        get { settings.withLock { $0.standardOutput } }
        set { settings.withLock { $0.standardOutput = newValue } }
    }
    public var standardError: (any ChildStream)? {
        get { settings.withLock { $0.standardError } }
        set { settings.withLock { $0.standardError = newValue } }
    }

    public func run() throws {
        let settings = settings.withLock { $0 }
        guard let executable = settings.executableURL?.path else { throw ChildProcessError(description: "no executable") }
        let pid = try Spawn.start(executable: executable, settings.arguments, environment: settings.environment,
                                  directory: settings.currentDirectoryURL?.path,
                                  streams: [settings.standardInput, settings.standardOutput, settings.standardError])
        state.withLock { $0 = .running(pid) }
    }

    public var processIdentifier: Int32 {
        switch state.withLock({ $0 }) {
        case .notStarted: 0
        case .running(let pid), .exited(let pid, _): pid
        }
    }

    public var isRunning: Bool {
        guard case .running(let pid) = state.withLock({ $0 }) else { return false }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return true }
        record(pid: pid, status: status)
        return false
    }

    /// Blocks until the child has exited (callers on the cooperative pool accept that, as they did with `Process`).
    public func waitUntilExit() {
        guard case .running(let pid) = state.withLock({ $0 }) else { return }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, 0)
            if result == pid { record(pid: pid, status: status); return }
            if result == -1 && errno == EINTR { continue }
            // Another thread (`isRunning`) reaped it first: its status is being recorded.
            while case .running = state.withLock({ $0 }) { usleep(1000) }
            return
        }
    }

    /// The exit code, or the number of the signal that ended the child.
    public var terminationStatus: Int32 {
        guard case .exited(_, let status) = state.withLock({ $0 }) else { return 0 }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : signal
    }

    public func terminate() {
        guard case .running(let pid) = state.withLock({ $0 }) else { return }
        kill(pid, SIGTERM)
    }

    private func record(pid: pid_t, status: Int32) {
        state.withLock { $0 = .exited(pid: pid, status: status) }
    }
}

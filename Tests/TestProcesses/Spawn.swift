import CTestProcesses
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The `posix_spawn` call behind `ChildProcess` (see there why it is not Foundation's `Process`).
enum Spawn {
    /// Starts `executable` with standard input, output and error from `streams` (nil: shared with this process) and
    /// returns its pid. The parent's copies of the child's ends of pipes are closed, so that reading a child's output
    /// ends when the child ends.
    static func start(executable: String, _ arguments: [String], environment: [String: String]?, directory: String?,
                      streams: [(any ChildStream)?]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        try check(posix_spawn_file_actions_init(&actions), "file actions")
        defer { posix_spawn_file_actions_destroy(&actions) }
        var childEnds: [FileHandle] = []
        for (target, stream) in streams.enumerated() {
            let target = Int32(target)
            switch stream {
            case nil:
                continue
            case let pipe as Pipe:
                let end = target == 0 ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                try check(posix_spawn_file_actions_adddup2(&actions, end.fileDescriptor, target), "dup2")
                if !childEnds.contains(where: { $0 === end }) { childEnds.append(end) }
            case let handle as FileHandle where handle === FileHandle.nullDevice:
                try check(posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0), "open /dev/null")
            case let handle as FileHandle:
                try check(posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target), "dup2")
            default:
                throw ChildProcessError(description: "unsupported standard stream \(type(of: stream))")
            }
        }
        try check(test_processes_add_close_from(&actions, 3), "closefrom")
        if let directory { try check(test_processes_add_chdir(&actions, directory), "chdir") }

        var attributes = posix_spawnattr_t()
        try check(posix_spawnattr_init(&attributes), "attributes")
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        try check(posix_spawnattr_setsigmask(&attributes, &noSignals), "signal mask")
        try check(posix_spawnattr_setsigdefault(&attributes, &allSignals), "signal defaults")
        try check(posix_spawnattr_setpgroup(&attributes, 0), "process group")
        try check(posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)), "flags")

        let environment = environment ?? ProcessInfo.processInfo.environment
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        try check(posix_spawn(&pid, executable, &actions, &attributes, argv, envp), "spawn \(executable)")
        for end in childEnds { try? end.close() }
        return pid
    }

    private static func check(_ result: Int32, _ step: String) throws {
        guard result != 0 else { return }
        throw ChildProcessError(description: "posix_spawn (\(step)): \(String(cString: strerror(result)))")
    }
}

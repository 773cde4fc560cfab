import Foundation
import Testing
import TestProcesses

#if canImport(Glibc)
import Glibc
#endif

@Suite("ChildProcess: the tests' posix_spawn")
struct ChildProcessTests {
    private func run(_ executable: String, _ arguments: [String], configure: (ChildProcess) -> Void = { _ in }) throws -> (status: Int32, output: String) {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        configure(process)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("output, exit status, environment and working directory reach the caller")
    func basics() throws {
        let result = try run("/bin/sh", ["-c", "echo \"$GREETING\"; pwd; exit 3"]) {
            $0.environment = ["GREETING": "grüß dich"]
            $0.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        }
        #expect(result.status == 3)
        #expect(result.output == "grüß dich\n/tmp\n")
    }

    @Test("standard input from a pipe, standard error to the same pipe as standard output")
    func streams() throws {
        let input = Pipe()
        let result = try run("/bin/sh", ["-c", "read line; echo \"got $line\" >&2"]) {
            $0.standardInput = input
            $0.standardError = $0.standardOutput
            input.fileHandleForWriting.write(Data("hello\n".utf8))
            try? input.fileHandleForWriting.close()
        }
        #expect(result.status == 0)
        #expect(result.output == "got hello\n")
    }

    /// The case that crashed Foundation's `Process.run()`: about 1,350 and more descriptors open in the parent.
    /// None of them reaches the child, which sees only its standard streams (and `ls`'s own directory handle).
    @Test("with 2,000 descriptors open in the parent, the child starts and inherits none of them")
    func manyDescriptors() throws {
        let opened = (0..<2000).map { _ in open("/dev/null", O_RDONLY) }
        defer { for descriptor in opened { close(descriptor) } }
        #expect(opened.allSatisfy { $0 >= 0 })
        for _ in 0..<20 {
            let result = try run("/bin/ls", ["/proc/self/fd"])
            #expect(result.status == 0)
            let inherited = result.output.split(separator: "\n").compactMap { Int($0) }.filter { $0 > 3 }
            #expect(inherited.isEmpty, "descriptors the child inherited: \(inherited.prefix(10))")
        }
    }

    @Test("terminate() ends a child with SIGTERM; isRunning follows it")
    func terminate() throws {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["30"]
        try process.run()
        #expect(process.isRunning)
        process.terminate()
        process.waitUntilExit()
        #expect(!process.isRunning)
        #expect(process.terminationStatus == SIGTERM)
    }

    @Test("the child leads a process group of its own, so a group kill reaches its children")
    func processGroup() throws {
        let result = try run("/bin/sh", ["-c", "read -r pid comm state parent group rest < /proc/$$/stat; echo \"$pid $group\""])
        let fields = result.output.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(fields.count == 2 && fields[0] == fields[1], "pid and process group: \(fields)")
    }
}

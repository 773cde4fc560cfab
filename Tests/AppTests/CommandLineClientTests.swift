import Foundation
import Testing

/// `herald activate` and help run on an end user's computer: an empty folder, no server files, no configuration.
@Suite("herald as a client and its help", .serialized)
struct CommandLineClientTests {
    /// An empty working directory and HOME; HERALD_* name places that must stay untouched.
    struct EmptyComputer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-client-\(UUID().uuidString)").path
        var dataDirectory: String { folder + "-data" }

        var environment: [String: String] {
            ["HOME": folder, "HERALD_DATA_DIR": dataDirectory, "DATABASE_URL": "sqlite://\(dataDirectory)/herald.sqlite"]
        }

        init() throws { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false) }

        func run(_ arguments: [String]) throws -> HeraldProcess.Output {
            try HeraldProcess.run(arguments, environment: environment, directory: folder)
        }

        /// Every file under the folder, and whether the data directory was created.
        func written() throws -> [String] {
            let files = FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []
            return files + (FileManager.default.fileExists(atPath: dataDirectory) ? [dataDirectory] : [])
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    @Test("help of every command and activate in an empty folder write nothing and print no setup link")
    func noSideEffects() throws {
        let computer = try EmptyComputer()
        defer { computer.remove() }
        // when
        let help = try computer.run(["--help"])
        let serveHelp = try computer.run(["serve", "--help"])
        let adminHelp = try computer.run(["admin", "create", "--help"])
        let activateHelp = try computer.run(["activate", "--help"])
        let verify = try computer.run(["activate", "--verify", "missing.jwt", "--public-key", "keys.json"])
        let unreachable = try computer.run(["activate", "--server", "http://127.0.0.1:1", "--code", "AAAA-BBBB"])
        // then
        #expect(try computer.written() == [])
        #expect(help.status == 0 && help.stdout.contains("Usage: herald <command>") && help.stdout.contains("activate"))
        #expect(serveHelp.status == 0 && serveHelp.stdout.contains("Usage: herald serve"))
        #expect(adminHelp.status == 0 && adminHelp.stdout.contains("--password-stdin"))
        #expect(activateHelp.status == 0 && activateHelp.stdout.contains("--verify"))
        for output in [help, serveHelp, adminHelp, activateHelp] {
            #expect(!output.stdout.contains("/setup/"), "help printed a setup link")
            #expect(output.stderr.isEmpty, "\(output.stderr)")
        }
        #expect(verify.status == 1)
        #expect(verify.stderr == "error: --verify: cannot read 'missing.jwt'\n")
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("--server: could not reach http://127.0.0.1:1"), "\(unreachable.stderr)")
    }

    @Test("an error is printed once, names the option that exists, and no option's help reads n/a")
    func errorsAndHelpText() throws {
        let computer = try EmptyComputer()
        defer { computer.remove() }
        // when
        let unknownOption = try computer.run(["activate", "--code", "X", "--serverr", "http://h"])
        let commands = try computer.run(["--help"]).stdout.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            return line.hasPrefix("  ") && words.count > 1 ? String(words[0]) : nil
        }
        var helps: [String: String] = [:]
        for command in commands {
            let help = try computer.run([command, "--help"]).stdout
            helps[command] = help
            // A group lists its subcommands the same way; their help is where the options are.
            if help.contains("Commands:") {
                for line in help.split(separator: "\n") where line.hasPrefix("  ") {
                    let sub = String(line.split(separator: " ")[0])
                    helps["\(command) \(sub)"] = try computer.run([command, sub, "--help"]).stdout
                }
            }
        }
        // then
        #expect(unknownOption.status == 1)
        #expect(unknownOption.stderr == "error: herald activate: --serverr http://h is not one of its options; did you mean --server? (`herald activate --help` lists them)\n")
        #expect(commands.count >= 10, "\(commands)")
        #expect(helps.keys.contains("admin create") && helps.keys.contains("mail set") && helps.keys.contains("migrate"))
        for (command, help) in helps {
            #expect(!help.contains("n/a"), "herald \(command) --help: \(help)")
        }
        #expect(try computer.written() == [])
    }
}

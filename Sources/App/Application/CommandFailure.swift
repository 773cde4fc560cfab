import Vapor

/// How a failed command's error reads on the terminal.
enum CommandFailure {
    static func describe(_ error: any Error, arguments: [String], commands: AsyncCommands) -> String {
        switch error {
        case ConsoleKitCommands.CommandError.unknownInput(let input):
            unknownInput(input, arguments: arguments, commands: commands)
        case let abort as any AbortError: abort.reason
        case let printable as any CustomStringConvertible: printable.description
        default: String(reflecting: error)
        }
    }

    /// ConsoleKit says only "Input not recognized: --password"; this names the command, the option meant when one
    /// starts the same way (`--password` → `--password-stdin`) and where the options are listed.
    static func unknownInput(_ input: String, arguments: [String], commands: AsyncCommands) -> String {
        let path = commandPath(arguments: arguments, commands: commands)
        let usage = (["herald"] + path.names).joined(separator: " ")
        var message = "\(usage): \(input) is not one of its options"
        let word = input.split(separator: " ").first.map { $0.drop { $0 == "-" } } ?? ""
        if !word.isEmpty, let command = path.command,
           let meant = optionNames(of: command).first(where: { $0.hasPrefix(word) || word.hasPrefix($0) }) {
            message += "; did you mean --\(meant)?"
        }
        return message + " (`\(usage) --help` lists them)"
    }

    /// The command words given (`admin create`) and the command they lead to.
    private static func commandPath(arguments: [String], commands: AsyncCommands) -> (names: [String], command: (any AnyAsyncCommand)?) {
        var names: [String] = []
        var available = commands.commands
        var command: (any AnyAsyncCommand)?
        for word in arguments.dropFirst() {
            guard let next = available[word] else { break }
            names.append(word)
            command = next
            guard let group = next as? any AsyncCommandGroup else { break }
            available = group.commands
        }
        return (names, command)
    }

    /// The `--option` and `--flag` names a command accepts, read from its signature.
    private static func optionNames(of command: any AnyAsyncCommand) -> [String] {
        guard let command = command as? any AsyncCommand else { return [] }
        return signatureNames(command)
    }

    private static func signatureNames<C: AsyncCommand>(_ command: C) -> [String] {
        // ConsoleKit keeps its list of a signature's values internal; each @Option and @Flag has a public `name`.
        Mirror(reflecting: C.Signature()).children.compactMap { child in
            Mirror(reflecting: child.value).children.first { $0.label == "name" }?.value as? String
        }
    }
}

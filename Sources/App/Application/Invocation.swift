import Vapor

/// What the command line asks for, decided before anything is configured.
///
/// Configuring the server creates its data folder, secret key and database and loads its message catalogs from
/// the working directory. Help and the activation client need none of that: `herald activate` is the reference
/// client that runs on an end user's computer, and help must have no side effects. So they run on a bare
/// application that only knows the commands.
enum Invocation: Equatable {
    /// `--help` or `-h` anywhere: print the usage of the command named, touch nothing.
    case help
    /// `herald activate ...`: talks to a Herald server over HTTP and writes only the certificate file it names.
    case client
    /// Every other command, `serve` included: needs the configured server.
    case server

    /// `arguments` as `Environment.arguments` gives them: the executable first.
    init(arguments: [String]) {
        let given = arguments.dropFirst()
        if given.contains(where: { $0 == "--help" || $0 == "-h" }) {
            self = .help
        } else if given.first == ActivateCommand.name {
            self = .client
        } else {
            self = .server
        }
    }
}

import Vapor

/// `herald invite join|install|client|bulk ...`: one entry per invitation kind, each in its own file.
struct InviteCommands: AsyncCommandGroup {
    let help = "Invite people (join the organization, install a licensed product, set up a remote-access client)"
    let commands: [String: any AnyAsyncCommand] = [
        "join": InviteJoinCommand(),
        "client": InviteClientCommand(),
        "install": InviteInstallCommand(),
        "bulk": InviteBulkCommand(),
    ]
}

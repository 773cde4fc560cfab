import Foundation
import Logging
import NIOCore
import NIOPosix
import Vapor

/// What `Sources/herald/entrypoint.swift` runs: read the configuration, configure, execute the command.
public enum HeraldMain {
    public static func run() async throws {
        // Async code (handlers, async middleware, the delivery worker) runs on the event loops that serve the
        // connections instead of hopping to Swift's own thread pool and back (BENCHMARKS.md, "Invitee endpoints
        // under load"). Vapor's template offers the same line. Nothing in Herald blocks an event loop:
        // password hashing and Fluent's SQLite work go to the thread pool. Before any other async work.
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        var environment = try Environment.detect()
        // Before the switch to production below: Vapor would lower the default level to notice there, and Herald's
        // documented default (LOG_LEVEL) is info whatever the environment.
        try LoggingSystem.bootstrap(from: &environment)
        environment = productionUnlessChosen(environment, arguments: ProcessInfo.processInfo.arguments,
                                             variables: ProcessInfo.processInfo.environment)
        // `Usage: herald activate ...` rather than the build folder's path.
        environment.commandInput.executablePath = ["herald"]
        // Application.make loads `.env` into the process environment, so read the configuration after it.
        let app = try await Application.make(environment)
        guard Invocation(arguments: environment.arguments) == .server else {
            // Help and the activation client: commands only, nothing configured, nothing written.
            registerCommands(app)
            await runCommand(app)
            return
        }
        let configuration: Configuration
        do {
            configuration = try Configuration.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            try? await app.asyncShutdown()
            exit(78) // EX_CONFIG: a configuration error, not a crash
        }
        do {
            try await configure(app, configuration: configuration)
        } catch {
            await fail(app, error)
        }
        let command = environment.arguments.dropFirst().first ?? "serve"
        if command != "migrate" {
            // `herald admin create` on a fresh install must work without a separate `herald migrate`.
            app.lifecycle.use(AutoMigrate())
        }
        if isServeCommand(environment.arguments) {
            app.lifecycle.use(ServeLifecycle())
        }
        await runCommand(app)
    }

    /// Runs the command the arguments name. Not `Application.execute()`: that logs a failure before rethrowing it,
    /// so every error was printed twice.
    private static func runCommand(_ app: Application) async {
        do {
            try await app.startup()
            try await app.running?.onStop.get()
        } catch {
            await fail(app, error)
        }
        try? await app.asyncShutdown()
    }

    /// A failed command prints what went wrong, once, and exits non-zero; it is not a crash.
    private static func fail(_ app: Application, _ error: any Error) async -> Never {
        FileHandle.standardError.write(Data("error: \(CommandFailure.describe(error, arguments: app.environment.arguments, commands: app.asyncCommands))\n".utf8))
        try? await app.asyncShutdown()
        exit((error as? CommandError)?.exitStatus ?? 1)
    }

    /// Vapor's default environment is development, made for a developer's machine; Herald is run by operators, so it
    /// runs as production unless `--env`/`-e` or `VAPOR_ENV` names another. Nothing of Herald's first run depends on
    /// development: the setup link is printed by `ServeLifecycle`, and error pages never show internal details anyway.
    static func productionUnlessChosen(_ detected: Environment, arguments: [String], variables: [String: String]) -> Environment {
        let chosen = variables["VAPOR_ENV"] != nil
            || arguments.contains { $0 == "--env" || $0 == "-e" || $0.hasPrefix("--env=") }
        guard !chosen else { return detected }
        var production = Environment.production
        production.commandInput = detected.commandInput
        return production
    }

    /// `herald` alone runs `serve`, Vapor's default command.
    static func isServeCommand(_ arguments: [String]) -> Bool {
        arguments.count < 2 || arguments[1] == "serve" || arguments[1].hasPrefix("-")
    }
}

/// Brings the schema up to date at start unless HERALD_AUTO_MIGRATE=false (several instances: run
/// `herald migrate --yes` once instead).
struct AutoMigrate: LifecycleHandler {
    func willBootAsync(_ app: Application) async throws {
        if app.herald.configuration.runMigrationsOnStart {
            try await app.autoMigrate()
        }
    }
}

/// What only `herald serve` does at start: print the first-run link, start the delivery worker and the session and lease sweepers.
struct ServeLifecycle: LifecycleHandler {
    func didBootAsync(_ app: Application) async throws {
        let configuration = app.herald.configuration
        if let link = try await FirstRunSetup.linkIfNeeded(app: app) {
            // Printed (not only logged) so it shows whatever the log level; it is the only way in on first run.
            FileHandle.standardOutput.write(Data("""

            Herald has no administrator yet. Open this one-time link within an hour to create the first one:

                \(link)

            (Or run: herald admin create --email you@example.com --organization "Your Org" --password-stdin)

            """.utf8))
        }
        if configuration.runDeliveryWorker {
            app.herald.deliveryWorker.start()
            app.herald.webhookWorker.start()
        }
        app.herald.sessionSweeper.start(settings: configuration.sessions, database: app.db, logger: app.logger)
        app.herald.directorySyncs.start(services: app.herald, database: app.db)
        app.herald.leaseSweeper.start(seatLock: app.herald.seatLock, clock: app.herald.clock, database: app.db, logger: app.logger)
        app.herald.expiryWarnings.start(seatLock: app.herald.seatLock, alerts: app.herald.seatAlerts, database: app.db, logger: app.logger)
        app.herald.expiryAnnouncer.start(clock: app.herald.clock, database: app.db, logger: app.logger)
        app.herald.startListeningForInstallationChanges(eventLoop: app.eventLoopGroup.any(), logger: app.logger)
        app.herald.reminderTask.start(reminders: app.herald.reminders, clock: app.herald.clock, database: app.db, logger: app.logger)
        app.herald.bouncePoller.start(database: app.db, clock: app.herald.clock)
        try await app.herald.inboundBounces?.start(database: app.db)
        app.herald.bulkJobWorker.start(services: app.herald, database: app.db, logger: app.logger)
    }

    func shutdownAsync(_ app: Application) async {
        await app.herald.directorySyncs.stop()
        await app.herald.leaseSweeper.stop()
        await app.herald.expiryWarnings.stop()
        await app.herald.expiryAnnouncer.stop()
        await app.herald.reminderTask.stop()
        await app.herald.bouncePoller.stop()
        await app.herald.inboundBounces?.stop()
        await app.herald.bulkJobWorker.stop()
        await app.herald.sessionSweeper.stop()
        await app.herald.deliveryWorker.stop()
        await app.herald.webhookWorker.stop()
        await app.herald.installationChanges.stop()
    }
}

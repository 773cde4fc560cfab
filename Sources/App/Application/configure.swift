import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import HeraldCore
import Leaf
import Vapor

/// Wires Herald into a Vapor application: database, sessions, views, middleware, commands and routes.
///
/// Everything configurable arrives in `configuration`; tests pass their own instead of the environment's.
public func configure(_ app: Application, configuration: Configuration) async throws {
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
    let secret = try configuration.secretKey
        ?? SecretKeyStore.loadOrCreate(dataDirectory: configuration.dataDirectory, logger: app.logger)
    let writeQueue = WriteQueue()
    try await configureDatabase(app, configuration.database, schema: configuration.postgresSchema, poolTimeout: configuration.databasePoolTimeout,
                                writeQueue: writeQueue)
    let catalog = try MessageCatalog.load(directory: app.directory.resourcesDirectory + "Locales")
    app.herald = HeraldServices(
        configuration: configuration, secretKey: secret, catalog: catalog, database: app.db, writeQueue: writeQueue,
        group: app.eventLoopGroup, logger: app.logger
    )
    app.lifecycle.use(WebhookClientShutdown())
    app.passwords.use(.bcrypt(cost: configuration.passwordHashCost))
    HeraldMetrics.bootstrap()
    app.migrations.add(HeraldMigrations.all)

    app.views.use(.leaf)
    // Leaf keeps parsed templates except in Vapor's development environment; `herald serve` runs in production
    // unless told otherwise. HERALD_RELOAD_VIEWS is the explicit switch for editing templates without a restart.
    if configuration.reloadViews { app.leaf.cache.isEnabled = false }

    app.sessions.use { _ in HashedSessionDriver(settings: configuration.sessions) }
    app.sessions.configuration.cookieName = "herald_session"
    app.sessions.configuration.cookieFactory = { sessionID in
        // Secure whenever Herald is reached over https; SameSite=Lax stops cross-site form posts carrying the cookie.
        HTTPCookies.Value(
            string: sessionID.string, expires: Date().addingTimeInterval(configuration.sessions.idleTimeout), maxAge: nil,
            domain: nil, path: "/", isSecure: configuration.publicURL.scheme == "https", isHTTPOnly: true,
            sameSite: .lax
        )
    }

    app.middleware = .init()
    app.middleware.use(HeraldErrorMiddleware())
    app.middleware.use(SecurityHeadersMiddleware(isHTTPS: configuration.publicURL.scheme == "https"))
    app.middleware.use(PublicFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    app.routes.defaultMaxBodySize = "10mb"
    app.servers.use { app in GuardedHTTPServer(base: app.http.server.shared, logger: app.logger) }

    registerCommands(app)
    try routes(app)
}

/// SQLite by default (one file, zero set-up); PostgreSQL when `DATABASE_URL` says so.
private func configureDatabase(_ app: Application, _ database: Configuration.Database, schema: String?, poolTimeout: TimeInterval,
                               writeQueue: WriteQueue) async throws {
    switch database {
    case .sqlite(let path):
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let driver = DatabaseConfigurationFactory.sqlite(.file(path), connectionPoolTimeout: .milliseconds(Int64(poolTimeout * 1000))).make()
        app.databases.use(SQLiteWriteRetry.Configuration(base: driver, queue: writeQueue), as: .sqlite)
        // WAL lets `herald` CLI commands read and write while `herald serve` runs on the same file.
        // The mode is stored in the file, so setting it once is enough; SQLiteNIO installs a busy handler
        // that retries on SQLITE_BUSY, so concurrent writers wait instead of failing.
        let sql = try app.db(.sqlite).sql
        try await sql.raw("PRAGMA journal_mode=WAL").run()
    case .postgres(let url):
        do {
            var config = try SQLPostgresConfiguration(url: url)
            config.searchPath = [schema ?? "public"]
            app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: 8, connectionPoolTimeout: .milliseconds(Int64(poolTimeout * 1000))), as: .psql)
        } catch {
            throw ConfigurationError(problems: ["DATABASE_URL: \(DatabaseURLParser.redacted(url)) cannot be used: \(error)"])
        }
    }
}

// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Herald",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        // Named for the direct read path on SQLite (FastPaths/SQLiteDirectReader.swift); Fluent's driver brings them too.
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        // Up to the next minor only: FastPaths/SQLiteDirectReader.swift imports `VaporCSQLite`, a module sqlite-nio
        // builds but does not publish as a product, and Sources/SQLiteTuning/SQLiteTuning.c declares its
        // `sqlite_nio_`-prefixed `sqlite3_db_config` by hand. A minor release may rename either.
        .package(url: "https://github.com/vapor/sqlite-nio.git", .upToNextMinor(from: "1.13.2")),
        // Named because App imports them; Fluent, Vapor and the drivers bring them too.
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/async-kit.git", from: "1.22.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        // Named for LeafKit's AST types, which the page skeletons (FastPaths/PageSkeletons.swift) read.
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.3"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Webhook deliveries (Sources/App/Webhooks) and the tests' live-socket client; Vapor brings it too.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // zlib for queued message bodies (Mail/Delivery/OutboxSealer.swift).
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        // BER for the LDAP client (Sources/LDAP); swift-certificates brings it too.
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        .executableTarget(name: "herald", dependencies: ["App"]),
        // Benchmarks/smtp-throughput drives this: the real outbox and worker against Postfix's smtp-sink.
        // The benchmark drivers: tooling, not product, so `herald` carries none of them. They reach into App
        // through its `package` symbols only.
        .executableTarget(name: "smtp-throughput-bench", dependencies: [
            "App", "BenchmarkSupport", "HeraldCore", "MIME", .product(name: "Vapor", package: "vapor"),
            .product(name: "Fluent", package: "fluent"),
        ], path: "Benchmarks/SMTPThroughput"),
        // Benchmarks/bulk-invite and Benchmarks/activation-race drive these.
        .executableTarget(name: "bulk-invite-bench", dependencies: [
            "App", "BenchmarkSupport", "HeraldCore", "MIME", .product(name: "Vapor", package: "vapor"),
            .product(name: "Fluent", package: "fluent"),
        ], path: "Benchmarks/BulkInvite"),
        .executableTarget(name: "activation-race-bench", dependencies: [
            "App", "BenchmarkSupport", "MIME", .product(name: "Vapor", package: "vapor"),
            .product(name: "Fluent", package: "fluent"),
            .product(name: "SQLKit", package: "sql-kit"),
        ], path: "Benchmarks/ActivationRace"),
        // Benchmarks/ldap-search drives this: our LDAP client's paged search against ldapsearch's.
        .executableTarget(name: "ldap-search-bench", dependencies: [
            "LDAP", .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
        ], path: "Benchmarks/LDAPSearch"),
        .target(name: "BenchmarkSupport", dependencies: ["App", .product(name: "Vapor", package: "vapor")],
                path: "Benchmarks/Support"),
        .target(name: "App", dependencies: [
            "CResolv", "DKIM", "HeraldCore", "LDAP", "MIME", "POP3", "SMTP", "SMTPServer", "SQLiteTuning",
            .product(name: "Vapor", package: "vapor"),
            .product(name: "Fluent", package: "fluent"),
            .product(name: "FluentKit", package: "fluent-kit"),
            .product(name: "FluentSQL", package: "fluent-kit"),
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "AsyncKit", package: "async-kit"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
            .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            .product(name: "SQLiteKit", package: "sqlite-kit"),
            .product(name: "SQLiteNIO", package: "sqlite-nio"),
            .product(name: "Leaf", package: "leaf"),
            .product(name: "LeafKit", package: "leaf-kit"),
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
            // Webhook deliveries (Sources/App/Webhooks).
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ], exclude: ["FastPaths/README.md"]),
        .target(name: "HeraldCore", dependencies: [
            "MIME",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "MIME", dependencies: []),
        // The system resolver's TXT lookup (res_nquery, libresolv from glibc) for the DKIM record check.
        .target(name: "CResolv", linkerSettings: [.linkedLibrary("resolv")]),
        // Herald's own DKIM signer (issue 18); see Sources/DKIM/DKIMSigner.swift for why.
        .target(name: "DKIM", dependencies: [
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // One C call Swift cannot make (a variadic one), for FastPaths/SQLiteDirectReader.swift.
        .target(name: "SQLiteTuning"),
        .target(name: "SMTP", dependencies: [
            "MIME",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Herald's inbound SMTP listener for bounces (issue 18): the server side of SMTP, state machine and handler.
        .target(name: "SMTPServer", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Herald's own POP3 client (the bounce mailbox, issue 18); see Sources/POP3/POP3Configuration.swift for why POP3.
        .target(name: "POP3", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Herald's own LDAP client (directory sync, issue 17); see Sources/LDAP/LDAPClient.swift for why.
        .target(name: "LDAP", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "LDAPTests", dependencies: [
            "LDAP", "LiveServerSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Fixtures/Bounces: the DSN corpus and its flufl.bounce referee, read by path.
        .testTarget(name: "POP3Tests", dependencies: [
            "POP3", "LiveServerSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "HeraldCoreTests", dependencies: ["HeraldCore", "TestProcesses"], exclude: ["Fixtures"]),
        // Child processes for the tests (ChildProcess.swift says why not Foundation's Process).
        .target(name: "CTestProcesses", path: "Tests/CTestProcesses"),
        .target(name: "TestProcesses", dependencies: ["CTestProcesses"], path: "Tests/TestProcesses"),
        .testTarget(name: "TestProcessesTests", dependencies: ["TestProcesses"]),
        // Shared by MIMETests and AppTests: checks rendered mail with Python's email parser.
        .target(name: "MailTestSupport", dependencies: ["TestProcesses"], path: "Tests/MailTestSupport"),
        .testTarget(name: "MIMETests", dependencies: ["MIME", "MailTestSupport"]),
        .testTarget(name: "DKIMTests", dependencies: [
            "DKIM", "MIME", "MailTestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // Shared by SMTPTests and AppTests: the servers scripts/test-servers starts, and the wait for `/healthz`.
        .target(name: "LiveServerSupport", path: "Tests/LiveServerSupport"),
        .testTarget(name: "SMTPTests", dependencies: [
            "SMTP", "MIME", "LiveServerSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SMTPServerTests", dependencies: [
            "SMTPServer",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "AppTests", dependencies: [
            "App", "DKIM", "MailTestSupport", "LiveServerSupport", "TestProcesses", "HeraldCore", "LDAP", "MIME", "POP3", "SMTP",
            .product(name: "Vapor", package: "vapor"),
            .product(name: "VaporTesting", package: "vapor"),
            .product(name: "Fluent", package: "fluent"),
            .product(name: "FluentSQL", package: "fluent-kit"),
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)

import Foundation
import HeraldCore

/// Everything Herald reads from its environment, validated in one place.
///
/// Handlers never read environment variables themselves: they get what they need from here.
/// Tests build a `Configuration` directly (or from a dictionary) instead of touching the process environment.
public struct Configuration: Sendable {
    public enum Database: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    public enum MailTransportKind: String, Sendable, CaseIterable {
        /// Each message becomes an `.eml` file in the spool folder: a fresh install works without a mail server.
        case file
        case smtp
    }

    public var database: Database
    public var dataDirectory: String
    /// The time of day for Herald's rules; tests replace it (`WallClock`).
    var clock: any WallClock = SystemWallClock()
    /// Base of every link Herald puts in an email or prints; never derived from a request's Host header,
    /// which an attacker controls (password-reset poisoning).
    public var publicURL: URL
    /// `nil` means "load it from the data folder, generating it on first run".
    public var secretKey: String?
    public var defaultMailTransport: MailTransportKind
    public var runMigrationsOnStart: Bool
    public var runDeliveryWorker: Bool
    public var logLevel: String
    public var delivery = DeliverySettings()
    public var sessions = SessionSettings()
    public var webhooks = WebhookSettings()
    public var singleSignOn = SingleSignOnConfiguration()
    /// Tests isolate each PostgreSQL run in its own schema; deployments leave this `nil` (the `public` schema).
    public var postgresSchema: String?
    /// How long a request waits for a pooled database connection before it is answered 503 with Retry-After
    /// (`DatabaseUnavailable`). Fluent's 10 s in deployments; the tests, which run 280 applications on two cores
    /// against one PostgreSQL, wait longer, since they check answers, not how fast a starved machine gives them.
    public var databasePoolTimeout: TimeInterval = 10
    /// When set, `GET /metrics` answers only requests with `Authorization: Bearer <token>`; when nil it is open,
    /// as Prometheus scrapers expect, and should be reachable only from the monitoring network.
    public var metricsToken: String?
    /// Whether a reverse proxy in front sets X-Forwarded-For (see `Request.clientAddress`).
    public var trustProxy = false
    /// bcrypt's work factor: 12 in production; tests lower it because each hash costs a quarter second at 12.
    public var passwordHashCost: Int = 12
    /// Read Leaf views from disk on every render (for editing them while the server runs). Off: parsed once.
    public var reloadViews = false
    /// The SMTP servers organizations may use (see `ServerPolicy` for the default and why).
    public var smtpServers = ServerPolicy.smtpStandard
    /// The LDAP servers organizations may sync from (`ServerPolicy.ldapStandard` unless the operator lists them).
    public var ldapServers = ServerPolicy.ldapStandard
    /// The bounce mailboxes organizations may have Herald poll (`ServerPolicy.pop3Standard` unless the operator lists them).
    public var pop3Servers = ServerPolicy.pop3Standard
    /// The name server the DKIM record check asks instead of the system resolver (`DKIMDNSCheck`); nil: the system's.
    public var dnsServer: DNSServerAddress?
    /// Messages one organization may queue per 24 hours (`MailQuota`); nil: no limit. The default lets the largest
    /// documented bulk send (100,000 install invitations) go out in one day and bounds everything beyond it.
    public var dailyMailQuota: Int? = 100_000
    /// The inbound SMTP listener for bounces (`InboundBounceListener`); nil (the default): not started.
    public var inboundSMTP: InboundSMTPSettings?

    public init(
        database: Database,
        dataDirectory: String,
        publicURL: URL,
        secretKey: String? = nil,
        defaultMailTransport: MailTransportKind = .file,
        runMigrationsOnStart: Bool = true,
        runDeliveryWorker: Bool = true,
        logLevel: String = "info"
    ) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.publicURL = publicURL
        self.secretKey = secretKey
        self.defaultMailTransport = defaultMailTransport
        self.runMigrationsOnStart = runMigrationsOnStart
        self.runDeliveryWorker = runDeliveryWorker
        self.logLevel = logLevel
    }

    /// The variables Herald understands, with their defaults: the README's configuration table mirrors this.
    public static let variables: [(name: String, meaning: String)] = [
        ("DATABASE_URL", "sqlite:///absolute/path.sqlite, sqlite://relative/path.sqlite or postgres://user:pass@host:port/db (default: herald.sqlite in HERALD_DATA_DIR)"),
        ("HERALD_DATA_DIR", "folder for the SQLite file, the secret key and the mail spool (default ./var)"),
        ("HERALD_PUBLIC_URL", "base URL of every link in emails (default http://127.0.0.1:8080)"),
        ("HERALD_SECRET_KEY", "at least 32 characters; if unset, generated on first run into HERALD_DATA_DIR/secret.key (mode 0600)"),
        ("HERALD_MAIL_TRANSPORT", "file or smtp: the transport of organizations without their own settings (default file)"),
        ("HERALD_AUTO_MIGRATE", "true or false: run migrations when `herald serve` starts (default true)"),
        ("HERALD_DELIVERY_WORKER", "true or false: run the outbox delivery worker inside `herald serve` (default true)"),
        ("HERALD_DELIVERY_CONCURRENCY", "delivery lanes, each with its own SMTP connection (default 8)"),
        ("HERALD_SMTP_MAX_CONNECTIONS", "open connections per SMTP server at most (default 8)"),
        ("HERALD_SMTP_RATE_LIMIT", "messages per second per SMTP server, 0 for no limit (default 0)"),
        ("HERALD_DELIVERY_RETRY_HORIZON", "seconds after which a message that keeps failing temporarily is marked failed (default 172800, two days)"),
        ("HERALD_DELIVERY_RETRY_BASE", "seconds before the first retry of a temporary failure; doubles per attempt up to an hour (default 60)"),
        ("HERALD_DELIVERY_LEASE", "seconds a claimed message stays reserved before another worker may take it over (default 900)"),
        ("HERALD_SESSION_IDLE_TIMEOUT", "seconds without a request after which a console session ends on the server (default 43200, 12 hours)"),
        ("HERALD_SESSION_LIFETIME", "seconds after sign-in after which a console session ends however busy (default 604800, 7 days)"),
        ("HERALD_METRICS_TOKEN", "at least 16 characters: /metrics then requires `Authorization: Bearer <token>` (default unset: /metrics is open)"),
        ("HERALD_TRUST_PROXY", "true behind a reverse proxy or load balancer that appends the client's address to X-Forwarded-For; rate limits then count that address (default false: the TCP peer)"),
        ("HERALD_RELOAD_VIEWS", "true while editing Resources/Views: each page re-reads its templates (default false: parsed once; reloading makes pages ~10× slower)"),
        ("HERALD_LDAP_ALLOWED_HOSTS", "LDAP servers organizations may sync from, in the same form (default *:389, *:636, *:3268, *:3269)"),
        ("HERALD_SMTP_ALLOWED_HOSTS", "SMTP servers organizations may use: comma-separated host, *.domain or *, each optionally :port (default *:25, *:465, *:587, *:2525: any host on the mail ports)"),
        ("HERALD_ORG_DAILY_MAIL_QUOTA", "messages (invitations of every kind, resends, member notices) one organization may queue per 24 hours, 0 for no limit (default 100000)"),
        ("HERALD_INBOUND_SMTP_PORT", "port of the inbound SMTP listener for bounces, for an MX pointed at Herald (default unset: no listener)"),
        ("HERALD_INBOUND_SMTP_HOST", "address the inbound SMTP listener binds (default 127.0.0.1; 0.0.0.0 or :: to take mail from other hosts)"),
        ("HERALD_DNS_SERVER", "IPv4 address[:port] of the name server the console's DKIM record check asks (default unset: the system resolver, /etc/resolv.conf)"),
        ("HERALD_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", "true lets webhook endpoints be loopback, private, link-local or unique-local addresses (default false: refused when saved and again when each delivery resolves the host)"),
        ("HERALD_SSO_ALLOW_HTTP", "true lets an organization's OpenID Connect issuer (and its endpoints) be plain http:// (default false: https only; for tests and local development)"),
        ("HERALD_SSO_TIMEOUT", "seconds an identity provider has to answer discovery, JWKS and token requests (default 10)"),
        ("HERALD_WEBHOOK_TIMEOUT", "seconds a webhook endpoint has to answer one delivery (default 15)"),
        ("HERALD_WEBHOOK_RETRY_HORIZON", "seconds after which a webhook delivery that keeps failing is marked failed (default 259200, three days)"),
        ("LOG_LEVEL", "trace, debug, info, notice, warning, error or critical (default info)"),
    ]

    /// Reads and validates every variable, collecting all problems before failing, so an operator fixes
    /// a broken deployment in one round instead of one variable per restart.
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> Configuration {
        var problems: [String] = []
        func value(_ name: String) -> String? {
            guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        func flag(_ name: String, default fallback: Bool) -> Bool {
            guard let raw = value(name) else { return fallback }
            switch raw.lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default:
                problems.append("\(name): '\(raw)' is not a boolean (use true or false)")
                return fallback
            }
        }

        let dataDirectory = value("HERALD_DATA_DIR") ?? "./var"

        var database = Database.sqlite(path: (dataDirectory as NSString).appendingPathComponent("herald.sqlite"))
        if let raw = value("DATABASE_URL") {
            switch DatabaseURLParser.parse(raw) {
            case .success(let parsed): database = parsed
            case .failure(let reason): problems.append("DATABASE_URL: \(reason)")
            }
        }

        var publicURL = URL(string: "http://127.0.0.1:8080")!
        if let raw = value("HERALD_PUBLIC_URL") {
            if let url = URL(string: raw), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
               let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil {
                publicURL = URL(string: raw.hasSuffix("/") ? String(raw.dropLast()) : raw)!
            } else {
                problems.append("HERALD_PUBLIC_URL: '\(raw)' is not an absolute http(s) URL without query or fragment")
            }
        }

        let secretKey = value("HERALD_SECRET_KEY")
        if let secretKey, secretKey.utf8.count < 32 {
            problems.append("HERALD_SECRET_KEY: must be at least 32 characters (got \(secretKey.utf8.count))")
        }

        var transport = MailTransportKind.file
        if let raw = value("HERALD_MAIL_TRANSPORT") {
            if let parsed = MailTransportKind(rawValue: raw.lowercased()) { transport = parsed } else {
                problems.append("HERALD_MAIL_TRANSPORT: '\(raw)' is not one of file, smtp")
            }
        }

        let metricsToken = value("HERALD_METRICS_TOKEN")
        if let metricsToken, metricsToken.utf8.count < 16 {
            problems.append("HERALD_METRICS_TOKEN: must be at least 16 characters (got \(metricsToken.utf8.count))")
        }

        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        let logLevel = value("LOG_LEVEL")?.lowercased() ?? "info"
        if !levels.contains(logLevel) {
            problems.append("LOG_LEVEL: '\(logLevel)' is not one of \(levels.joined(separator: ", "))")
        }

        func positive(_ name: String, default fallback: Int, allowZero: Bool = false) -> Int {
            guard let raw = value(name) else { return fallback }
            guard let number = Int(raw), number > 0 || (allowZero && number == 0) else {
                problems.append("\(name): '\(raw)' is not a \(allowZero ? "non-negative" : "positive") whole number")
                return fallback
            }
            return number
        }
        var delivery = DeliverySettings()
        delivery.concurrency = positive("HERALD_DELIVERY_CONCURRENCY", default: delivery.concurrency)
        delivery.maximumConnectionsPerServer = positive("HERALD_SMTP_MAX_CONNECTIONS", default: delivery.maximumConnectionsPerServer)
        delivery.messagesPerSecondPerServer = positive("HERALD_SMTP_RATE_LIMIT", default: 0, allowZero: true)
        delivery.retryHorizon = TimeInterval(positive("HERALD_DELIVERY_RETRY_HORIZON", default: Int(delivery.retryHorizon)))
        delivery.leaseDuration = TimeInterval(positive("HERALD_DELIVERY_LEASE", default: Int(delivery.leaseDuration)))
        delivery.retryBaseDelay = TimeInterval(positive("HERALD_DELIVERY_RETRY_BASE", default: Int(delivery.retryBaseDelay)))
        var webhooks = WebhookSettings()
        webhooks.allowPrivateAddresses = flag("HERALD_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default: false)
        webhooks.timeout = TimeInterval(positive("HERALD_WEBHOOK_TIMEOUT", default: Int(webhooks.timeout)))
        webhooks.retryHorizon = TimeInterval(positive("HERALD_WEBHOOK_RETRY_HORIZON", default: Int(webhooks.retryHorizon)))
        var singleSignOn = SingleSignOnConfiguration()
        singleSignOn.allowHTTP = flag("HERALD_SSO_ALLOW_HTTP", default: false)
        singleSignOn.timeout = TimeInterval(positive("HERALD_SSO_TIMEOUT", default: Int(singleSignOn.timeout)))
        var sessions = SessionSettings()
        sessions.idleTimeout = TimeInterval(positive("HERALD_SESSION_IDLE_TIMEOUT", default: Int(sessions.idleTimeout)))
        sessions.lifetime = TimeInterval(positive("HERALD_SESSION_LIFETIME", default: Int(sessions.lifetime)))

        let migrate = flag("HERALD_AUTO_MIGRATE", default: true)
        let worker = flag("HERALD_DELIVERY_WORKER", default: true)
        let trustProxy = flag("HERALD_TRUST_PROXY", default: false)
        let reloadViews = flag("HERALD_RELOAD_VIEWS", default: false)
        let dailyMailQuota = positive("HERALD_ORG_DAILY_MAIL_QUOTA", default: 100_000, allowZero: true)
        func servers(_ name: String, default standard: ServerPolicy) -> ServerPolicy {
            guard let raw = value(name) else { return standard }
            switch ServerPolicy.parse(raw, variable: name) {
            case .success(let policy): return policy
            case .failure(let problem):
                problems.append(problem.description)
                return standard
            }
        }
        let smtpServers = servers("HERALD_SMTP_ALLOWED_HOSTS", default: .smtpStandard)
        let ldapServers = servers("HERALD_LDAP_ALLOWED_HOSTS", default: .ldapStandard)
        let pop3Servers = servers("HERALD_POP3_ALLOWED_HOSTS", default: .pop3Standard)
        var dnsServer: DNSServerAddress?
        if let raw = value("HERALD_DNS_SERVER"), !raw.isEmpty {
            dnsServer = DNSServerAddress.parse(raw)
            if dnsServer == nil { problems.append("HERALD_DNS_SERVER: must be an IPv4 address, optionally with :port (e.g. 192.0.2.53 or 127.0.0.1:5353)") }
        }
        var inboundSMTP: InboundSMTPSettings?
        if let raw = value("HERALD_INBOUND_SMTP_PORT") {
            if let port = Int(raw), (1...65_535).contains(port) {
                inboundSMTP = InboundSMTPSettings(host: value("HERALD_INBOUND_SMTP_HOST") ?? "127.0.0.1", port: port)
            } else {
                problems.append("HERALD_INBOUND_SMTP_PORT: '\(raw)' is not a port number (1 to 65535)")
            }
        }

        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        var configuration = Configuration(
            database: database, dataDirectory: dataDirectory, publicURL: publicURL, secretKey: secretKey,
            defaultMailTransport: transport, runMigrationsOnStart: migrate, runDeliveryWorker: worker, logLevel: logLevel
        )
        configuration.delivery = delivery
        configuration.sessions = sessions
        configuration.webhooks = webhooks
        configuration.singleSignOn = singleSignOn
        configuration.metricsToken = metricsToken
        configuration.trustProxy = trustProxy
        configuration.reloadViews = reloadViews
        configuration.smtpServers = smtpServers
        configuration.ldapServers = ldapServers
        configuration.pop3Servers = pop3Servers
        configuration.dnsServer = dnsServer
        configuration.inboundSMTP = inboundSMTP
        configuration.dailyMailQuota = dailyMailQuota == 0 ? nil : dailyMailQuota
        return configuration
    }

    /// A link under the public URL, e.g. `link("setup", token)`.
    public func link(_ components: String...) -> String {
        ([publicURL.absoluteString] + components).joined(separator: "/")
    }
}

/// Where the inbound SMTP listener for bounces listens (`HERALD_INBOUND_SMTP_PORT`, `HERALD_INBOUND_SMTP_HOST`).
public struct InboundSMTPSettings: Sendable, Equatable {
    /// Loopback unless the operator says otherwise: an MX on the same machine (or a port forward) hands bounces on.
    public var host: String
    public var port: Int
    /// A silent client is told 421 and disconnected after this long (RFC 5321 4.5.3.2.7 asks servers for 5 minutes).
    public var idleTimeout: TimeInterval = 300
    /// Connections open at once; more are told 421 and closed. Bounces come a few at a time; this bounds a flood.
    public var maximumConnections = 100

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }
}

/// How the outbox worker sends: see the README's configuration table for each value's meaning.
public struct DeliverySettings: Sendable {
    public var concurrency = 8
    /// Messages one lane claims at a time. Each claim is a commit; 500 rather than 200 took the delivery rate from
    /// about 16,500 to 20,000 messages/s (Benchmarks/smtp-throughput). A crash still sends at most `recordEvery`
    /// per lane twice: the rest of a claim waits for its lease to end, unsent.
    public var batchSize = 500
    /// Messages sent between two recordings of outcomes: the most one lane can send twice after a crash.
    public var recordEvery = 50
    public var maximumConnectionsPerServer = 8
    /// 0: no limit.
    public var messagesPerSecondPerServer = 0
    public var retryBaseDelay: TimeInterval = 60
    public var retryMaximumDelay: TimeInterval = 60 * 60
    public var retryHorizon: TimeInterval = 2 * 24 * 60 * 60
    /// Longer than the slowest possible send (RFC 5321's 10-minute final-dot timeout), so a lease never
    /// expires under a worker that is still waiting for the server's answer.
    public var leaseDuration: TimeInterval = 15 * 60
    /// How long an idle worker waits before looking at the outbox again (enqueueing wakes it sooner).
    public var pollInterval: TimeInterval = 1
    /// SMTP reply timeouts; `nil` means RFC 5321's minimums. Not an environment variable: shorter timeouts
    /// turn slow servers into duplicate deliveries, so only tests of a stalling server lower them.
    public var smtpReplyTimeout: TimeInterval?
    public init() {}
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let problems: [String]
    public var description: String {
        "Herald cannot start: the configuration has \(problems.count) problem(s):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// How Herald talks to organizations' identity providers (`SingleSignOn/`).
public struct SingleSignOnConfiguration: Sendable {
    /// Plain http issuers are refused unless this is set: the ID token and the client secret would cross the network
    /// in the clear. The tests' provider listens on http://127.0.0.1.
    public var allowHTTP = false
    /// Seconds a provider has to answer one request (discovery, JWKS, token).
    public var timeout: TimeInterval = 10
    public init() {}
}

/// How webhook deliveries are made and retried (see the README's configuration table).
public struct WebhookSettings: Sendable {
    /// Loopback, private and link-local destinations are refused unless this is set (server-side request forgery:
    /// an administrator could otherwise make Herald post to the metadata service or an internal admin port).
    public var allowPrivateAddresses = false
    /// Seconds an endpoint has to answer one delivery (connect, send and read together).
    public var timeout: TimeInterval = 15
    public var concurrency = 4
    /// Deliveries one lane claims and posts at once.
    public var batchSize = 25
    public var retryBaseDelay: TimeInterval = 30
    public var retryMaximumDelay: TimeInterval = 2 * 60 * 60
    /// Time since the event after which a delivery that keeps failing is given up: over a day, as the issue asks.
    public var retryHorizon: TimeInterval = 3 * 24 * 60 * 60
    /// An endpoint is switched off (and the administrators told) after this many failed attempts in a row that
    /// also span `disableAfterFailingFor`: a burst of failures during a short outage does not turn it off.
    public var disableAfterFailures = 20
    public var disableAfterFailingFor: TimeInterval = 2 * 24 * 60 * 60
    /// Rotated secrets keep signing this long by default.
    public var rotationOverlap: TimeInterval = 24 * 60 * 60
    public var pollInterval: TimeInterval = 1
    public init() {}

    /// A claim stays reserved long after the slowest possible answer: only a worker that died leaves one to expire.
    var leaseDuration: TimeInterval { timeout * 4 + 30 }
}

/// How long a console session lasts on the server (`HashedSessionDriver`).
public struct SessionSettings: Sendable {
    /// Ends after this long without a request: the browser cookie lasts as long.
    public var idleTimeout: TimeInterval = 12 * 60 * 60
    /// Ends this long after sign-in however busy it is.
    public var lifetime: TimeInterval = 7 * 24 * 60 * 60
    /// The last-use time is written at most this often, so that a page view costs no database write.
    static let seenResolution: TimeInterval = 60

    public init() {}

    func hasEnded(createdAt: Date, seenAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(seenAt) > idleTimeout || now.timeIntervalSince(createdAt) > lifetime
    }
}

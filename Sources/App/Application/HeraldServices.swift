import Crypto
import Foundation
import Fluent
import HeraldCore
import MIME
import Vapor

/// The app-wide services Herald's handlers use, built once in `configure` from the `Configuration`.
/// Handlers reach them through `req.herald` rather than globals, so tests can see and replace them, and each
/// application (the tests make many in one process) has its own. Domain code never takes this whole bag: handlers
/// pass it the pieces it uses (a `Mailer`, a `SeatLock`, a limiter...).
///
/// A class: `req.herald` is read several times per request, and copying a struct of this size out of the
/// application's storage retained and released every field each time (measurable on the invitee pages).
package final class HeraldServices: Sendable {
    let configuration: Configuration
    let clock: any WallClock
    package let secretBox: SecretBox
    /// Signs the link-bound CSRF tokens of invitee forms (`LinkBoundCSRFMiddleware`).
    let linkFormKey: SymmetricKey
    /// Signs the position tokens of paged lists (`ListCursor`).
    let listCursorKey: SymmetricKey
    /// The join-link and activation lookups (`JoinLink`, `ActivationLookup`).
    let hotReads: HotReads
    /// Activations of one license key, one at a time (`SeatLock`); also deactivating and blocking installations.
    let seatLock: SeatLock
    /// Seat alerts and expiry warnings (`SeatAlerts`), checked under `seatLock` and by `expiryWarnings`.
    let seatAlerts: SeatAlerts
    /// Install invitation batches of one license key, one at a time (`InstallInvitationBatch`).
    package let installInvitationTurns = WriteQueue()
    let activation: Activation
    let activationLimits = ActivationLimits()
    /// Invitee pages' cached markup (`renderInviteePage`).
    let pageSkeletons: PageSkeletons
    /// Every password check's limits (`PasswordCheck`).
    let signInLimits: SignInLimits
    let tokenRedemptionLimiter: RateLimiter
    let catalog: MessageCatalog
    package let deliveryWorker: DeliveryWorker
    /// Composes and queues mail, and wakes the delivery worker.
    package let mailer: Mailer
    /// Posts queued webhook events (`WebhookWorker`), started by `herald serve` with the delivery worker.
    let webhookWorker: WebhookWorker
    let sessionSweeper = SessionSweeper()
    /// Frees leased seats whose computers stopped checking in (`LeaseSweeper`), started by `herald serve`.
    let leaseSweeper = LeaseSweeper()
    /// Emails keys' administrators 30 and 7 days before a key expires (`ExpiryWarnings`), started by `herald serve`.
    let expiryWarnings = ExpiryWarnings()
    /// Queues `invitation.expired` once per invitation whose expiry passed (`InvitationExpiryAnnouncer`), started by `herald serve`.
    let expiryAnnouncer = InvitationExpiryAnnouncer()
    /// Reminds people of pending invitations before they expire (`InvitationReminders`), started by `herald serve`.
    let reminderTask = InvitationReminderTask()
    var reminders: InvitationReminders {
        InvitationReminders(mailer: mailer, configuration: configuration, secrets: installInvitationSecrets)
    }
    /// Heartbeats and deactivation from installed computers (`InstallationCheckIn`).
    let checkIn: InstallationCheckIn
    /// PostgreSQL: heartbeats answered from memory while `installationChanges` listens (`ActiveLeaseCache`).
    let activeLeases = ActiveLeaseCache()
    let installationChanges: InstallationChangeListener
    /// Directory imports written after their upload was answered (`DirectoryImportJobs`).
    let directoryImports = DirectoryImportJobs()
    /// Bulk resends and revokes too large for one request (`BulkJobs`), worked by `herald serve`.
    let bulkJobWorker = BulkJobWorker()
    /// Scheduled LDAP syncs (`DirectorySyncScheduler`), started by `herald serve`.
    let directorySyncs = DirectorySyncScheduler()
    /// Discovery, JWKS and token requests to organizations' identity providers (`SingleSignOn/`).
    let openID: OpenIDProviderClient
    /// Reads the organizations' bounce mailboxes (`BouncePoller`), started by `herald serve`.
    let bouncePoller: BouncePoller
    /// Takes bounces over SMTP when `HERALD_INBOUND_SMTP_PORT` is set (`InboundBounceListener`), started by `herald serve`.
    let inboundBounces: InboundBounceListener?
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    package var installInvitationSecrets: InstallInvitationSecrets { InstallInvitationSecrets(box: secretBox, publicURL: configuration.publicURL) }
    func webhookEndpoints(organizationID: UUID, actor: AuditActor) -> WebhookEndpoints {
        WebhookEndpoints(organizationID: organizationID, actor: actor, secretBox: secretBox, settings: configuration.webhooks)
    }
    var testEmail: TestEmail {
        TestEmail(mailer: mailer, resolver: deliveryWorker.resolver, group: eventLoopGroup, logger: logger)
    }

    init(configuration: Configuration, secretKey: String, catalog: MessageCatalog, database: any Database, writeQueue: WriteQueue,
         group: any EventLoopGroup, logger: Logger) {
        self.catalog = catalog
        self.configuration = configuration
        self.clock = configuration.clock
        self.secretBox = SecretBox(serverSecret: secretKey, purpose: "herald stored secrets v1")
        self.linkFormKey = CSRF.linkFormKey(serverSecret: secretKey)
        self.listCursorKey = ListCursor.signingKey(serverSecret: secretKey)
        self.signInLimits = SignInLimits(serverSecret: secretKey)
        self.tokenRedemptionLimiter = RateLimiter(limit: 30, window: 15 * 60)
        self.eventLoopGroup = group
        self.openID = OpenIDProviderClient(group: group, settings: configuration.singleSignOn)
        self.hotReads = HotReads(database: configuration.database, logger: logger)
        let host = configuration.publicURL.host ?? "localhost"
        let renderer = MessageRenderer(messageIDDomain: host)
        let outboxSealer = OutboxSealer(serverSecret: secretKey)
        let delivery = configuration.delivery
        let resolver = TransportResolver(
            spoolFolder: (configuration.dataDirectory as NSString).appendingPathComponent("outbox"),
            defaultTransport: configuration.defaultMailTransport, secretBox: secretBox, clientHostname: host,
            pool: SMTPConnectionPool(group: group, maximumPerServer: delivery.maximumConnectionsPerServer, logger: logger),
            pacer: delivery.messagesPerSecondPerServer > 0 ? SendingPacer(messagesPerSecond: delivery.messagesPerSecondPerServer) : nil,
            replyTimeout: delivery.smtpReplyTimeout, servers: configuration.smtpServers,
            verp: VERPAddress(serverSecret: secretKey)
        )
        let bounceRecorder = BounceRecorder(verp: VERPAddress(serverSecret: secretKey))
        self.bouncePoller = BouncePoller(recorder: bounceRecorder, secretBox: secretBox,
                                         servers: configuration.pop3Servers, group: group, logger: logger)
        self.inboundBounces = configuration.inboundSMTP.map {
            InboundBounceListener(settings: $0, hostname: host, recorder: bounceRecorder, group: group, logger: logger)
        }
        self.deliveryWorker = DeliveryWorker(database: database, settings: delivery, resolver: resolver, sealer: outboxSealer, logger: logger)
        self.mailer = Mailer(
            catalog: catalog, composer: MailComposer(renderer: renderer), outbox: Outbox(renderer: renderer, sealer: outboxSealer, quota: MailQuota(perDay: configuration.dailyMailQuota),
                                                                    dkim: DKIMSigners(secretBox: secretBox)),
            worker: deliveryWorker
        )
        self.seatAlerts = SeatAlerts(mailer: mailer, publicURL: configuration.publicURL, clock: configuration.clock)
        self.seatLock = SeatLock(queue: writeQueue, alerts: seatAlerts)
        self.activation = Activation(
            reads: hotReads, signers: ActivationSigners(secretBox: secretBox), seatLock: seatLock, publicURL: configuration.publicURL,
            clock: configuration.clock, installationKeys: InstallationKeys(serverSecret: secretKey)
        )
        self.checkIn = InstallationCheckIn(seatLock: seatLock, reads: hotReads, clock: configuration.clock, database: database, leases: activeLeases)
        self.installationChanges = InstallationChangeListener(cache: activeLeases)
        self.pageSkeletons = PageSkeletons(enabled: !configuration.reloadViews)
        self.logger = logger
        self.webhookWorker = WebhookWorker(
            database: database, settings: configuration.webhooks, sender: WebhookSender(group: group, settings: configuration.webhooks),
            secretBox: secretBox, mailer: mailer, logger: logger
        )
    }
}

extension Application {
    private struct HeraldServicesKey: StorageKey { typealias Value = HeraldServices }

    package var herald: HeraldServices {
        get {
            guard let services = storage[HeraldServicesKey.self] else {
                fatalError("configure(_:configuration:) has not run: Herald's services are missing")
            }
            return services
        }
        set { storage[HeraldServicesKey.self] = newValue }
    }
}

extension Request {
    var herald: HeraldServices { application.herald }
}
